"""Light, dark and high-contrast themes that follow the system, and the UI's semantic colours.

Which theme, first match wins:

1. ``POSTDESK_THEME=light|dark|high-contrast`` in the environment (for people whose
   desktop does not say, and for tests and screenshots);
2. the system asks for more contrast: Qt's ``QStyleHints.accessibility().contrastPreference()``
   (Qt 6.10+; Windows high-contrast mode, macOS "Increase contrast", GNOME high contrast),
   or ``GTK_THEME`` names a high-contrast theme ("HighContrast", "HighContrastInverse");
3. the system's colour scheme, ``QStyleHints.colorScheme()``: dark, or else light (when the
   system does not say, whether the palette Qt got from the platform is dark).

The theme switches live when the system's scheme or contrast preference changes. Windows
and macOS get the Fusion style, which draws everything from the palette; Linux keeps its
default (Fusion, or Breeze, which does too).

Every colour here is checked by tests/ui/test_theme.py against WCAG 2.2 AA: 4.5:1 for text,
3:1 for underlines and other non-text marks, against the background it is drawn on.

Widgets ask for colours by meaning, never by value::

    from postdesk.ui.theme import colours

    palette_colours = colours(widget)              # follows the widget's palette
    selection.format.setBackground(QColor(palette_colours.hard_sentence.background))
    selection.format.setForeground(QColor(palette_colours.hard_sentence.foreground))

and repaint when the theme changes (``changeEvent`` with ``QEvent.Type.PaletteChange``).
"""

from __future__ import annotations

import enum
import logging
import os
import sys
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QObject
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

logger = logging.getLogger(__name__)

THEME_ENV = "POSTDESK_THEME"
# WCAG 2.2 AA minimum contrast ratios (success criteria 1.4.3 and 1.4.11).
TEXT_CONTRAST = 4.5
NON_TEXT_CONTRAST = 3.0
# A window colour darker than this (relative luminance; mid-grey #777 is 0.18) is dark.
_DARK_BELOW = 0.18


class Scheme(enum.Enum):
    """The themes PostDesk draws in."""

    LIGHT = "light"
    DARK = "dark"
    HIGH_CONTRAST = "high-contrast"


# -- contrast (WCAG 2.x) -------------------------------------------------------------------


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour written "#rgb" or "#rrggbb"."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    if len(digits) != 6:
        raise ValueError(f"not an sRGB colour: {colour!r}")

    def linear(channel: int) -> float:
        value = channel / 255
        # The sRGB transfer function, with WCAG's published threshold.
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(int(digits[i : i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# -- the colours ---------------------------------------------------------------------------


# NOTE: NamedTuples, not dataclasses: this module loads before the first frame, and
# importing dataclasses and generating their methods costs ~3 ms of start-up time.
class Highlight(NamedTuple):
    """A span marked in text: draw the text in `foreground` on `background`."""

    foreground: str
    background: str


class ThemeColours(NamedTuple):
    """What each colour means, for one theme. Colours are "#rrggbb" strings.

    "On the page" means on the palette's Window and Base colours alike, so a label reads
    wherever it is placed. Highlights are drawn in the editor (on Base) with their own
    text colour; underlines are drawn under Text on Base.
    """

    scheme: Scheme
    # Live counters ("X 241/280"), text on the page. Words and ✕ ⚠ say the same thing.
    counter_fits: str
    counter_near: str
    counter_over: str
    # The part of the post that does not fit the shortest selected channel.
    overflow: Highlight
    # Readability: hard and very hard sentences, as in Hemingway.
    hard_sentence: Highlight
    very_hard_sentence: Highlight
    # A reviewer's comment anchored to a span of the text.
    comment: Highlight
    # Wavy underlines from the spelling and grammar checkers (non-text: 3:1 on Base);
    # ask underline() for the colour, which also works on top of a highlight.
    spelling_underline: str
    grammar_underline: str
    # Links in text (Base), also the palette's Link role.
    link: str
    # Keyboard focus outlines (non-text: 3:1 on Window and Base).
    focus: str

    def underline(self, kind: str, on: Highlight | None = None) -> str:
        """The underline colour for 'spelling' or 'grammar', drawn on Base or on a highlight.

        On a highlight whose background is too close to the underline colour, the
        highlight's own text colour is used, so the underline still shows (3:1).
        """
        colour = self.spelling_underline if kind == "spelling" else self.grammar_underline
        if on is not None and contrast_ratio(colour, on.background) < NON_TEXT_CONTRAST:
            return on.foreground
        return colour

    def counter(self, state: str) -> str:
        """The counter colour for a state: 'fits', 'near' or 'over'."""
        return {"fits": self.counter_fits, "near": self.counter_near}.get(state, self.counter_over)


class _PaletteColours(NamedTuple):
    """The QPalette roles PostDesk sets (Active and Inactive groups; Disabled below)."""

    window: str
    window_text: str
    base: str
    alternate_base: str
    text: str
    placeholder: str
    button: str
    button_text: str
    highlight: str
    highlighted_text: str
    tooltip_base: str
    tooltip_text: str
    link: str
    link_visited: str
    bright_text: str
    disabled_text: str
    # Frame and bevel shades; in high contrast they are white so edges stay visible.
    light: str
    mid: str
    dark: str


# GOV.UK Design System colours where they fit (text #0b0c0c, link #1d70b8, focus #ffdd00).
_LIGHT_PALETTE = _PaletteColours(
    window="#f3f2f1",
    window_text="#0b0c0c",
    base="#ffffff",
    alternate_base="#f8f8f8",
    text="#0b0c0c",
    placeholder="#505a5f",
    button="#e8e8e8",
    button_text="#0b0c0c",
    highlight="#1d70b8",
    highlighted_text="#ffffff",
    tooltip_base="#0b0c0c",
    tooltip_text="#ffffff",
    link="#1d70b8",
    link_visited="#4c2c92",
    bright_text="#ffffff",
    disabled_text="#6f777b",
    light="#ffffff",
    mid="#b1b4b6",
    dark="#6f777b",
)
_DARK_PALETTE = _PaletteColours(
    window="#1f2023",
    window_text="#f3f2f1",
    base="#121314",
    alternate_base="#1a1b1d",
    text="#f3f2f1",
    placeholder="#a7acaf",
    button="#2c2d31",
    button_text="#f3f2f1",
    highlight="#5694ca",
    highlighted_text="#0b0c0c",
    tooltip_base="#f3f2f1",
    tooltip_text="#0b0c0c",
    link="#8cbef0",
    link_visited="#c8a8f0",
    bright_text="#ffffff",
    disabled_text="#8e9397",
    light="#3a3b40",
    mid="#55585d",
    dark="#0b0c0c",
)
_HIGH_CONTRAST_PALETTE = _PaletteColours(
    window="#000000",
    window_text="#ffffff",
    base="#000000",
    alternate_base="#000000",
    text="#ffffff",
    placeholder="#c8c8c8",
    button="#000000",
    button_text="#ffffff",
    highlight="#ffff00",
    highlighted_text="#000000",
    tooltip_base="#000000",
    tooltip_text="#ffffff",
    link="#ffff00",
    link_visited="#ff9eff",
    bright_text="#ffffff",
    disabled_text="#a0a0a0",
    light="#ffffff",
    mid="#ffffff",
    dark="#ffffff",
)

_LIGHT = ThemeColours(
    scheme=Scheme.LIGHT,
    counter_fits="#0b0c0c",
    counter_near="#8a4b00",
    counter_over="#b10e1e",
    overflow=Highlight("#0b0c0c", "#f6d7d2"),
    hard_sentence=Highlight("#0b0c0c", "#fff0a0"),
    very_hard_sentence=Highlight("#0b0c0c", "#f4b9b9"),
    comment=Highlight("#0b0c0c", "#cfe3f7"),
    spelling_underline="#d4351c",
    grammar_underline="#1d70b8",
    link="#1d70b8",
    focus="#1d70b8",
)
_DARK = ThemeColours(
    scheme=Scheme.DARK,
    counter_fits="#f3f2f1",
    counter_near="#ffc857",
    counter_over="#ff8f86",
    overflow=Highlight("#f3f2f1", "#6b2a2a"),
    hard_sentence=Highlight("#f3f2f1", "#5a4a00"),
    very_hard_sentence=Highlight("#f3f2f1", "#7a2638"),
    comment=Highlight("#f3f2f1", "#1f4468"),
    spelling_underline="#ff7b72",
    grammar_underline="#79b8ff",
    link="#8cbef0",
    focus="#ffdd00",
)
_HIGH_CONTRAST = ThemeColours(
    scheme=Scheme.HIGH_CONTRAST,
    counter_fits="#ffffff",
    counter_near="#ffff00",
    counter_over="#ff8080",
    overflow=Highlight("#000000", "#ff80ff"),
    hard_sentence=Highlight("#000000", "#ffff00"),
    very_hard_sentence=Highlight("#000000", "#ff8080"),
    comment=Highlight("#000000", "#00ffff"),
    spelling_underline="#ff8080",
    grammar_underline="#00ffff",
    link="#ffff00",
    focus="#ffff00",
)

_THEMES = {
    Scheme.LIGHT: (_LIGHT_PALETTE, _LIGHT),
    Scheme.DARK: (_DARK_PALETTE, _DARK),
    Scheme.HIGH_CONTRAST: (_HIGH_CONTRAST_PALETTE, _HIGH_CONTRAST),
}

# High contrast only. Fusion draws frames in a shade of the window colour, which is black
# here, so buttons, fields and tick boxes would lose their edges; and a focus ring must be
# thick and yellow to be found at a glance. Only this theme pays for a style sheet.
_HIGH_CONTRAST_STYLE = """
QPushButton, QToolButton, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit,
QAbstractItemView {
    border: 1px solid #ffffff;
}
QPushButton, QToolButton {
    background: #000000;
    color: #ffffff;
    padding: 3px 8px;
}
QToolButton:checked, QPushButton:checked {
    background: #ffff00;
    color: #000000;
}
QPushButton:disabled, QToolButton:disabled {
    color: #a0a0a0;
    border: 1px dashed #a0a0a0;
}
QPushButton:focus, QToolButton:focus, QComboBox:focus, QLineEdit:focus,
QPlainTextEdit:focus, QTextEdit:focus, QAbstractItemView:focus {
    border: 3px solid #ffff00;
}
QCheckBox:focus {
    border: 2px solid #ffff00;
}
QCheckBox::indicator {
    width: 12px;
    height: 12px;
    border: 2px solid #ffffff;
    background: #000000;
}
QCheckBox::indicator:checked {
    background: #ffff00;
}
QTabBar::tab:selected {
    background: #ffff00;
    color: #000000;
}
"""


def theme_colours(scheme: Scheme) -> ThemeColours:
    """The semantic colours of a theme."""
    return _THEMES[scheme][1]


def colours(source: QWidget | QPalette | None = None) -> ThemeColours:
    """The semantic colours for drawing on `source` (a widget's palette; the app's if None).

    A palette PostDesk set is recognised exactly; any other palette gets the light or
    dark colours by how light its window is.
    """
    if source is None:
        palette = QApplication.palette()
    elif isinstance(source, QWidget):
        palette = source.palette()
    else:
        palette = source
    return theme_colours(scheme_of(palette))


def scheme_of(palette: QPalette) -> Scheme:
    """Which theme a palette belongs to."""
    role = QPalette.ColorRole
    window = palette.color(role.Window).name()
    base = palette.color(role.Base).name()
    for scheme, (chosen, _colours) in _THEMES.items():
        if (window, base) == (chosen.window, chosen.base):
            return scheme
    return Scheme.DARK if relative_luminance(window) < _DARK_BELOW else Scheme.LIGHT


def palette_colours(scheme: Scheme) -> _PaletteColours:
    """The palette roles a theme sets (for tests and documentation)."""
    return _THEMES[scheme][0]


def build_palette(scheme: Scheme) -> QPalette:
    """The QPalette of a theme."""
    chosen = _THEMES[scheme][0]
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    palette = QPalette(QColor(chosen.button), QColor(chosen.window))
    for colour_role, value in (
        (role.Window, chosen.window),
        (role.WindowText, chosen.window_text),
        (role.Base, chosen.base),
        (role.AlternateBase, chosen.alternate_base),
        (role.Text, chosen.text),
        (role.PlaceholderText, chosen.placeholder),
        (role.Button, chosen.button),
        (role.ButtonText, chosen.button_text),
        (role.Highlight, chosen.highlight),
        (role.HighlightedText, chosen.highlighted_text),
        (role.Accent, chosen.highlight),
        (role.ToolTipBase, chosen.tooltip_base),
        (role.ToolTipText, chosen.tooltip_text),
        (role.Link, chosen.link),
        (role.LinkVisited, chosen.link_visited),
        (role.BrightText, chosen.bright_text),
        (role.Light, chosen.light),
        (role.Midlight, chosen.light),
        (role.Mid, chosen.mid),
        (role.Dark, chosen.dark),
        (role.Shadow, chosen.dark),
    ):
        palette.setColor(colour_role, QColor(value))
    for colour_role in (role.WindowText, role.Text, role.ButtonText, role.PlaceholderText):
        palette.setColor(group.Disabled, colour_role, QColor(chosen.disabled_text))
    return palette


# -- choosing and applying -----------------------------------------------------------------


def choose_scheme(
    *, override: str | None, high_contrast: bool, gtk_theme: str | None, dark: bool
) -> Scheme:
    """The theme to use, from the override, the system's contrast preference and scheme."""
    if override:
        try:
            return Scheme(override.strip().lower())
        except ValueError:
            logger.warning(
                "%s=%r is not one of %s; following the system",
                THEME_ENV,
                override,
                ", ".join(s.value for s in Scheme),
            )
    if high_contrast or "highcontrast" in (gtk_theme or "").lower().replace("-", ""):
        return Scheme.HIGH_CONTRAST
    return Scheme.DARK if dark else Scheme.LIGHT


def current_scheme(app: QApplication) -> Scheme | None:
    """The theme last applied to `app`, if any."""
    value = app.property(_SCHEME_PROPERTY)
    return Scheme(value) if isinstance(value, str) else None


_SCHEME_PROPERTY = "postdesk_theme"
_PLATFORM_DARK_PROPERTY = "postdesk_platform_dark"
_WATCHER_NAME = "postdesk.theme"


def apply(app: QApplication, scheme: Scheme) -> None:
    """Draw the whole application in `scheme` (Fusion style, the theme's palette)."""
    if app.property(_SCHEME_PROPERTY) is None and sys.platform in ("win32", "darwin"):
        # Fusion draws every widget from the palette; the Windows 11 and macOS styles
        # ignore parts of it, which would break the contrast the tests check. Linux styles
        # (Fusion by default, Breeze) follow the palette, and asking which style is in use
        # costs ~5 ms of start-up (PySide builds the QStyle type and its enums).
        app.setStyle("Fusion")
    app.setProperty(_SCHEME_PROPERTY, scheme.value)
    # Qt's style sheet style takes the app's palette when it polishes the widgets and does
    # not pass on palettes set while it is active: so the palette goes in with no style
    # sheet in place, and the high-contrast sheet after it.
    if app.styleSheet():
        app.setStyleSheet("")
    app.setPalette(build_palette(scheme))
    if scheme is Scheme.HIGH_CONTRAST:
        app.setStyleSheet(_HIGH_CONTRAST_STYLE)


def follow_system(app: QApplication, *, ask_system: bool = True) -> ThemeWatcher:
    """Apply the system's theme now and whenever it changes (idempotent).

    Start-up calls this twice. Just after the window's first frame, with `ask_system`
    false: the theme then follows the palette Qt got from the platform, which on desktops
    with a dark mode already follows it (loading this module and the palette cost ~3 ms,
    so not before the first frame). Once the draft is in the editor, asking the system:
    Qt's colour scheme and contrast preference come back as Qt enums, and PySide builds
    its whole Qt enum namespace for the first one (~15 ms).
    """
    if current_scheme(app) is None:
        # Before our palette replaces it: the one Qt got from the platform.
        window = QApplication.palette().color(QPalette.ColorRole.Window).name()
        app.setProperty(_PLATFORM_DARK_PROPERTY, relative_luminance(window) < _DARK_BELOW)
    watcher = app.findChild(ThemeWatcher, _WATCHER_NAME)
    if watcher is None:
        watcher = ThemeWatcher(app)
    if ask_system:
        watcher.ask_system()
    watcher.reapply()
    return watcher


class ThemeWatcher(QObject):
    """Re-applies the theme when the system's colour scheme or contrast preference changes."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.setObjectName(_WATCHER_NAME)
        self._app = app
        # Until the system is asked: what the platform's palette says.
        self._dark = bool(app.property(_PLATFORM_DARK_PROPERTY))
        self._high_contrast = False
        hints = app.styleHints()
        hints.colorSchemeChanged.connect(self._on_color_scheme_changed)
        hints.accessibility().contrastPreferenceChanged.connect(self._on_contrast_changed)

    def ask_system(self) -> None:
        """Read the system's colour scheme and contrast preference (Qt 6.10+)."""
        from PySide6.QtCore import Qt

        hints = self._app.styleHints()
        self._dark = self._is_dark(hints.colorScheme())
        preference = hints.accessibility().contrastPreference()
        self._high_contrast = preference == Qt.ContrastPreference.HighContrast

    def reapply(self) -> Scheme:
        """Choose the theme from what the system last said, and apply it if it changed."""
        scheme = choose_scheme(
            override=os.environ.get(THEME_ENV),
            high_contrast=self._high_contrast,
            gtk_theme=os.environ.get("GTK_THEME"),
            dark=self._dark,
        )
        if scheme is not current_scheme(self._app):
            logger.info("Theme: %s", scheme.value)
            apply(self._app, scheme)
        return scheme

    def _on_color_scheme_changed(self, scheme: Qt.ColorScheme) -> None:
        self._dark = self._is_dark(scheme)
        self.reapply()

    def _is_dark(self, scheme: Qt.ColorScheme) -> bool:
        from PySide6.QtCore import Qt

        if scheme == Qt.ColorScheme.Unknown:
            # The system does not say: go by the palette Qt was given by the platform.
            return bool(self._app.property(_PLATFORM_DARK_PROPERTY))
        return scheme == Qt.ColorScheme.Dark

    def _on_contrast_changed(self, preference: Qt.ContrastPreference) -> None:
        from PySide6.QtCore import Qt

        self._high_contrast = preference == Qt.ContrastPreference.HighContrast
        self.reapply()
