"""Themes: light, dark and high contrast, chosen from the system, readable (WCAG 2.2 AA)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette, QTextFormat
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from postdesk.analysis.channels import Channel
from postdesk.storage.database import DatabaseLocation
from postdesk.ui import theme
from postdesk.ui.theme import (
    NON_TEXT_CONTRAST,
    TEXT_CONTRAST,
    Highlight,
    Scheme,
    ThemeColours,
    contrast_ratio,
)
from tests.ui.conftest import StartApp

Role = QPalette.ColorRole


@pytest.fixture
def app_theme(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[QApplication]:
    """The app's theme may be changed by the test; put back the system's afterwards."""
    monkeypatch.delenv(theme.THEME_ENV, raising=False)
    monkeypatch.delenv("GTK_THEME", raising=False)
    yield qapp
    hints = qapp.styleHints()
    # What the offscreen platform says, so later tests see the system's (light) theme.
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Unknown)
    hints.accessibility().contrastPreferenceChanged.emit(Qt.ContrastPreference.NoPreference)
    monkeypatch.delenv(theme.THEME_ENV, raising=False)
    theme.follow_system(qapp)
    assert theme.current_scheme(qapp) is Scheme.LIGHT


def _force(app: QApplication, monkeypatch: pytest.MonkeyPatch, scheme: Scheme) -> None:
    monkeypatch.setenv(theme.THEME_ENV, scheme.value)
    theme.follow_system(app)


# -- the contrast formula -------------------------------------------------------------------


def test_contrast_ratio_matches_known_wcag_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000") == pytest.approx(21.0)
    assert contrast_ratio("#777", "#ffffff") == pytest.approx(4.48, abs=0.005)
    # #767676 is the lightest grey that passes AA on white; #777 just fails.
    assert contrast_ratio("#767676", "#fff") == pytest.approx(4.54, abs=0.005)
    assert contrast_ratio("#1d70b8", "#ffffff") == pytest.approx(5.17, abs=0.01)
    assert contrast_ratio("#abcdef", "#ABCDEF") == pytest.approx(1.0)
    assert theme.relative_luminance("#ffffff") == pytest.approx(1.0)
    assert theme.relative_luminance("#000") == 0.0


def test_contrast_ratio_refuses_what_is_not_a_colour() -> None:
    with pytest.raises(ValueError, match="not an sRGB colour"):
        theme.relative_luminance("#12345")


# -- every colour we set, in every theme ----------------------------------------------------


def _semantic_pairs(scheme: Scheme) -> dict[str, tuple[str, str, float]]:
    """name -> (foreground, background, minimum ratio), for every ThemeColours field."""
    chosen = theme.theme_colours(scheme)
    page = theme.palette_colours(scheme)
    pairs: dict[str, tuple[str, str, float]] = {}
    for state in ("fits", "near", "over"):
        colour = getattr(chosen, f"counter_{state}")
        pairs[f"counter_{state} on window"] = (colour, page.window, TEXT_CONTRAST)
        pairs[f"counter_{state} on base"] = (colour, page.base, TEXT_CONTRAST)
    for name in ("overflow", "hard_sentence", "very_hard_sentence", "comment"):
        highlight: Highlight = getattr(chosen, name)
        pairs[f"{name} text"] = (highlight.foreground, highlight.background, TEXT_CONTRAST)
        for kind in ("spelling", "grammar"):
            pairs[f"{kind} underline on {name}"] = (
                chosen.underline(kind, on=highlight),
                highlight.background,
                NON_TEXT_CONTRAST,
            )
    pairs["spelling_underline on base"] = (chosen.spelling_underline, page.base, NON_TEXT_CONTRAST)
    pairs["grammar_underline on base"] = (chosen.grammar_underline, page.base, NON_TEXT_CONTRAST)
    pairs["link on base"] = (chosen.link, page.base, TEXT_CONTRAST)
    pairs["link on window"] = (chosen.link, page.window, TEXT_CONTRAST)
    pairs["focus on window"] = (chosen.focus, page.window, NON_TEXT_CONTRAST)
    pairs["focus on base"] = (chosen.focus, page.base, NON_TEXT_CONTRAST)
    return pairs


def test_every_semantic_colour_has_a_contrast_check() -> None:
    checked = " ".join(_semantic_pairs(Scheme.LIGHT))
    missing = [
        field for field in ThemeColours._fields if field != "scheme" and field not in checked
    ]
    assert missing == []


@pytest.mark.parametrize("scheme", list(Scheme))
def test_every_semantic_colour_meets_its_wcag_ratio(scheme: Scheme) -> None:
    failing = {
        name: round(contrast_ratio(foreground, background), 2)
        for name, (foreground, background, minimum) in _semantic_pairs(scheme).items()
        if contrast_ratio(foreground, background) < minimum
    }
    assert failing == {}


@pytest.mark.parametrize("scheme", list(Scheme))
def test_the_applied_palette_meets_wcag_aa(
    app_theme: QApplication, monkeypatch: pytest.MonkeyPatch, scheme: Scheme
) -> None:
    _force(app_theme, monkeypatch, scheme)
    assert theme.current_scheme(app_theme) is scheme
    palette = QApplication.palette()
    assert theme.scheme_of(palette) is scheme

    def ratio(foreground: QPalette.ColorRole, background: QPalette.ColorRole) -> float:
        return contrast_ratio(palette.color(foreground).name(), palette.color(background).name())

    pairs = {
        "text on base": ratio(Role.Text, Role.Base),
        "text on alternate base": ratio(Role.Text, Role.AlternateBase),
        "window text on window": ratio(Role.WindowText, Role.Window),
        "button text on button": ratio(Role.ButtonText, Role.Button),
        "highlighted text on highlight": ratio(Role.HighlightedText, Role.Highlight),
        "placeholder on base": ratio(Role.PlaceholderText, Role.Base),
        "tooltip text on tooltip": ratio(Role.ToolTipText, Role.ToolTipBase),
        "link on base": ratio(Role.Link, Role.Base),
        "visited link on base": ratio(Role.LinkVisited, Role.Base),
    }
    assert {name: round(value, 2) for name, value in pairs.items() if value < TEXT_CONTRAST} == {}
    # The selection and keyboard focus (Fusion draws focus in the highlight colour) show.
    assert ratio(Role.Highlight, Role.Base) >= NON_TEXT_CONTRAST
    assert ratio(Role.Highlight, Role.Window) >= NON_TEXT_CONTRAST
    if scheme is not Scheme.HIGH_CONTRAST:  # there, Qt wraps the style in its style sheet
        # Linux's default style (Fusion here) draws from the palette; so does Fusion, which
        # Windows and macOS get.
        assert app_theme.style().name().lower() == "fusion"


def test_high_contrast_is_black_white_and_yellow_with_strong_focus(
    app_theme: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    _force(app_theme, monkeypatch, Scheme.HIGH_CONTRAST)
    palette = QApplication.palette()
    assert palette.color(Role.Window).name() == "#000000"
    assert palette.color(Role.Text).name() == "#ffffff"
    assert palette.color(Role.Highlight).name() == "#ffff00"
    assert "3px solid #ffff00" in app_theme.styleSheet()
    _force(app_theme, monkeypatch, Scheme.DARK)
    assert app_theme.styleSheet() == ""  # only high contrast pays for a style sheet


# -- choosing the theme ---------------------------------------------------------------------


def test_the_override_wins_then_contrast_then_the_colour_scheme(
    caplog: pytest.LogCaptureFixture,
) -> None:
    choose = theme.choose_scheme
    assert choose(override="dark", high_contrast=True, gtk_theme=None, dark=False) is Scheme.DARK
    assert (
        choose(override=" High-Contrast ", high_contrast=False, gtk_theme=None, dark=True)
        is Scheme.HIGH_CONTRAST
    )
    assert choose(override=None, high_contrast=True, gtk_theme=None, dark=True) is (
        Scheme.HIGH_CONTRAST
    )
    for gtk in ("HighContrast", "HighContrastInverse", "Adwaita:high-contrast"):
        assert choose(override=None, high_contrast=False, gtk_theme=gtk, dark=False) is (
            Scheme.HIGH_CONTRAST
        )
    assert choose(override=None, high_contrast=False, gtk_theme="Adwaita", dark=True) is (
        Scheme.DARK
    )
    assert choose(override="", high_contrast=False, gtk_theme=None, dark=False) is Scheme.LIGHT
    with caplog.at_level(logging.WARNING, logger="postdesk.ui.theme"):
        assert choose(override="purple", high_contrast=False, gtk_theme=None, dark=True) is (
            Scheme.DARK
        )
    assert "POSTDESK_THEME='purple'" in caplog.text


def test_colours_recognise_a_palette_that_is_not_ours(qapp: QApplication) -> None:
    foreign = QPalette(QColor("#333333"), QColor("#202020"))
    assert theme.colours(foreign).scheme is Scheme.DARK
    assert theme.colours(QPalette(QColor("#dddddd"), QColor("#eeeeee"))).scheme is Scheme.LIGHT
    widget = QWidget()
    widget.setPalette(theme.build_palette(Scheme.HIGH_CONTRAST))
    assert theme.colours(widget).scheme is Scheme.HIGH_CONTRAST


# -- in the running app ---------------------------------------------------------------------


def _counter_colour(window: QWidget, channel: Channel) -> str:
    label = window.compose.counters.label_for(channel)  # type: ignore[attr-defined]
    assert label is not None
    return str(label.palette().color(Role.WindowText).name())


def test_the_app_follows_the_system_scheme_live_and_recolours_the_counters(
    qtbot: QtBot, app_theme: QApplication, start_app: StartApp, sqlite_location: DatabaseLocation
) -> None:
    window = start_app(sqlite_location).window
    # Start-up installed the watcher after the first frame, and asks the system itself
    # once the draft is in: let that happen before the system "changes" below.
    QApplication.processEvents()
    assert app_theme.findChild(theme.ThemeWatcher, "postdesk.theme") is not None
    window.editor.setPlainText("a" * 290)  # over on X, near on Bluesky, fits on Mastodon
    assert theme.current_scheme(app_theme) is Scheme.LIGHT
    light = theme.theme_colours(Scheme.LIGHT)
    assert _counter_colour(window, Channel.X) == light.counter_over
    assert _counter_colour(window, Channel.BLUESKY) == light.counter_near
    assert _counter_colour(window, Channel.MASTODON) == light.counter_fits

    hints = app_theme.styleHints()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert theme.current_scheme(app_theme) is Scheme.DARK
    dark = theme.theme_colours(Scheme.DARK)
    # Qt delivers the new palette to the widgets through the event loop.
    qtbot.waitUntil(lambda: _counter_colour(window, Channel.X) == dark.counter_over, timeout=2000)
    assert _counter_colour(window, Channel.BLUESKY) == dark.counter_near
    assert _counter_colour(window, Channel.MASTODON) == dark.counter_fits
    background = window.compose.counters.palette().color(Role.Window).name()
    assert background == theme.palette_colours(Scheme.DARK).window
    assert contrast_ratio(dark.counter_over, background) >= TEXT_CONTRAST

    hints.accessibility().contrastPreferenceChanged.emit(Qt.ContrastPreference.HighContrast)
    assert theme.current_scheme(app_theme) is Scheme.HIGH_CONTRAST
    high = theme.theme_colours(Scheme.HIGH_CONTRAST)
    qtbot.waitUntil(lambda: _counter_colour(window, Channel.X) == high.counter_over, timeout=2000)

    hints.accessibility().contrastPreferenceChanged.emit(Qt.ContrastPreference.NoPreference)
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert theme.current_scheme(app_theme) is Scheme.LIGHT
    qtbot.waitUntil(lambda: _counter_colour(window, Channel.X) == light.counter_over, timeout=2000)
    # Colour is never the only signal: the words and the symbol stay.
    label = window.compose.counters.label_for(Channel.X)
    assert label is not None
    assert label.text().startswith("✕ ")
    assert label.font().bold()


def test_a_system_that_does_not_say_its_scheme_is_judged_by_its_palette(
    app_theme: QApplication,
) -> None:
    theme.follow_system(app_theme)
    hints = app_theme.styleHints()
    # As if Qt had been given a dark palette by the platform, with no scheme to go with it.
    app_theme.setProperty(theme._PLATFORM_DARK_PROPERTY, True)
    try:
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Unknown)
        assert theme.current_scheme(app_theme) is Scheme.DARK
        hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
        assert theme.current_scheme(app_theme) is Scheme.LIGHT
    finally:
        app_theme.setProperty(theme._PLATFORM_DARK_PROPERTY, False)


@pytest.mark.parametrize("scheme", list(Scheme))
def test_counters_are_readable_in_a_forced_theme(
    app_theme: QApplication,
    monkeypatch: pytest.MonkeyPatch,
    start_app: StartApp,
    sqlite_location: DatabaseLocation,
    scheme: Scheme,
) -> None:
    monkeypatch.setenv(theme.THEME_ENV, scheme.value)
    window = start_app(sqlite_location).window
    assert theme.current_scheme(app_theme) is scheme
    window.editor.setPlainText("a" * 290)
    background = window.compose.counters.palette().color(Role.Window).name()
    for channel in (Channel.X, Channel.BLUESKY, Channel.MASTODON):
        assert contrast_ratio(_counter_colour(window, channel), background) >= TEXT_CONTRAST


# The composer's overflow mark is drawn by another module with its own colours (for now):
# whatever it draws must read in every theme we apply.
@pytest.mark.parametrize("scheme", list(Scheme))
def test_the_composers_overflow_highlight_is_readable(
    app_theme: QApplication,
    monkeypatch: pytest.MonkeyPatch,
    start_app: StartApp,
    sqlite_location: DatabaseLocation,
    scheme: Scheme,
) -> None:
    monkeypatch.setenv(theme.THEME_ENV, scheme.value)
    window = start_app(sqlite_location).window
    window.editor.setPlainText("a" * 290)
    overflow = [
        s
        for s in window.editor.extraSelections()
        if s.format.background().style() != Qt.BrushStyle.NoBrush
    ]
    assert overflow
    text_format = overflow[0].format
    background = text_format.background().color().name()
    foreground = (
        text_format.foreground().color().name()
        if text_format.hasProperty(QTextFormat.Property.ForegroundBrush)
        else window.editor.palette().color(Role.Text).name()
    )
    assert contrast_ratio(foreground, background) >= TEXT_CONTRAST
