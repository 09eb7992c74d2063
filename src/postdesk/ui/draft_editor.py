"""The post editor: marks over the text (readability, overflow, spelling, grammar) and fixes.

Report marks (hard sentences, spelling, grammar) move with every edit
(`editor_marks.MarkLayer`, from the edit Qt reports), so a mark made for one report
stays on its words while the author types elsewhere; an edit that touches a mark drops
it (the next report brings a fresh one). They are drawn by a QSyntaxHighlighter, as
formats inside each paragraph's layout, not as ``QTextEdit.ExtraSelection``s: Qt
repaints a whole paragraph once per extra selection, so a hundred marks in a
3,000-character paragraph took 20 ms a keystroke (measured), where the highlighter
costs one pass over the edited paragraph. The overflow (one span, changing with every
keystroke) stays an extra selection.

Which span gets which mark, and in which colours, is decided in
`postdesk.ui.editor_marks` (no Qt).

The context menu (right-click, the Menu key or Shift+F10) starts with the suggestions
for a spelling or grammar mark under the cursor, and "Ignore" for this session, before
Qt's own editing items.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPlainTextEdit, QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import (
        QContextMenuEvent,
        QHelpEvent,
        QKeyEvent,
        QSyntaxHighlighter,
        QTextBlock,
        QTextCharFormat,
        QTextCursor,
    )
    from PySide6.QtWidgets import QMenu, QTextEdit

    from postdesk.ui.editor_marks import Mark, MarkKind, MarkLayer

logger = logging.getLogger(__name__)

# Qt's numbers, so that no Qt enum namespace is built at start-up (see composer.py);
# tests check them against Qt.
_TOOLTIP_EVENT = 110  # QEvent.Type.ToolTip
_PALETTE_CHANGE = 39  # QEvent.Type.PaletteChange
_KEY_MENU = 0x01000055  # Qt.Key.Key_Menu
_KEY_F10 = 0x01000039  # Qt.Key.Key_F10
_NO_MODIFIER = 0
_SHIFT_MODIFIER = 0x02000000  # Qt.KeyboardModifier.ShiftModifier
# Layers, drawn in this order: the underlines come last and keep the background of a
# sentence mark under them.
READABILITY = "readability"
GRAMMAR = "grammar"
_LONGEST_WORDS_IN_MENU = 30
_BACKGROUND_PROPERTY = 0x820  # QTextFormat.Property.BackgroundBrush


class DraftEditor(QPlainTextEdit):
    """A plain-text editor that shows marks and offers fixes for them.

    Signals:
        mark_ignored: the author chose "Ignore" for a spelling or grammar mark (the Mark);
            every mark with the same `Mark.ignore_key` is gone for this session.
    """

    mark_ignored = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layers: dict[str, MarkLayer] = {}  # made with the first marks
        self._overflow: tuple[QTextCursor, Mark] | None = None
        self._overflow_selection: QTextEdit.ExtraSelection | None = None
        self._ignored: set[tuple[str, ...]] = set()
        self._formats: dict[MarkKind, QTextCharFormat] | None = None
        self._highlighter: QSyntaxHighlighter | None = None  # made with the first marks
        self._menu: QMenu | None = None
        # Connected before the highlighter exists, so marks an edit touched are gone
        # before it redraws the edited paragraph.
        self.document().contentsChange.connect(self._on_contents_change)

    def setPlainText(self, text: str) -> None:
        """Replace the text; a lone surrogate (from broken data) becomes U+FFFD.

        Qt keeps a lone surrogate as one unit, but PySide leaves it out of
        ``toPlainText()``, so every position after it would be one off: every mark,
        highlight and selected finding would land one character early.
        """
        from postdesk.analysis.offsets import scrub_surrogates

        super().setPlainText(scrub_surrogates(text))

    def insertPlainText(self, text: str) -> None:
        """Insert at the cursor; a lone surrogate becomes U+FFFD (see `setPlainText`)."""
        from postdesk.analysis.offsets import scrub_surrogates

        super().insertPlainText(scrub_surrogates(text))

    def positions_match(self, text: str) -> bool:
        """Whether Qt positions computed from `text` index this document: they do not
        when the document holds what PySide cannot hand back (a pasted lone surrogate)."""
        from postdesk.analysis.offsets import utf16_length

        return utf16_length(text) == self.document().characterCount() - 1

    # -- marks -----------------------------------------------------------------------------

    @property
    def ignored(self) -> frozenset[tuple[str, ...]]:
        """The `Mark.ignore_key`s the author chose to ignore this session."""
        return frozenset(self._ignored)

    def set_marks(self, layer: str, marks: list[Mark]) -> None:
        """Show `marks` as the layer's marks, replacing the old ones.

        Args:
            layer: `READABILITY` or `GRAMMAR`.
            marks: marks whose positions index the text as it is now (the caller
                checks that the report they came from is for the current text).
        """
        from postdesk.ui.editor_marks import MarkLayer

        last = self.document().characterCount() - 1
        shown = MarkLayer(
            m
            for m in marks
            if m.end <= last and (m.ignore_key is None or m.ignore_key not in self._ignored)
        )
        old = self._layers.get(layer)
        if not shown and not old:
            return
        self._layers[layer] = shown
        self._redraw([*(old.spans if old else ()), *shown.spans])

    def clear_marks(self, layer: str) -> None:
        """Remove the layer's marks."""
        self.set_marks(layer, [])

    def marks(self) -> list[tuple[int, int, Mark]]:
        """Every mark shown, as (current start, current end, mark), in Qt positions."""
        spans = [span for layer in self._layers.values() for span in layer.spans]
        if self._overflow is not None:
            cursor, mark = self._overflow
            spans.append((cursor.selectionStart(), cursor.selectionEnd(), mark))
        return sorted(spans, key=lambda span: (span[0], span[1]))

    def mark_at(self, position: int) -> Mark | None:
        """The mark that speaks for a Qt position (a spelling or grammar mark first)."""
        from postdesk.ui.editor_marks import mark_at

        return mark_at(self.marks(), position)

    def _has_marks(self) -> bool:
        return any(len(layer) for layer in self._layers.values())

    def _redraw(self, spans: list[tuple[int, int, Mark]]) -> None:
        """Re-draw the paragraphs these spans are (or were) in."""
        if self._highlighter is None:
            if not self._has_marks():
                return
            self._highlighter = _mark_highlighter_class()(self)
            # Now, not when Qt's own queued first pass comes: callers (and tests) can
            # rely on the marks being drawn when set_marks returns.
            with _quiet(self):
                self._highlighter.rehighlight()
            return
        document = self.document()
        last = document.characterCount() - 1
        blocks: dict[int, QTextBlock] = {}
        for start, end, _mark in spans:
            first = document.findBlock(min(start, last))
            final = document.findBlock(min(end, last))
            block = first
            while block.isValid():
                blocks[block.blockNumber()] = block
                if block == final or len(blocks) > 50:
                    break
                block = block.next()
        with _quiet(self):
            if len(blocks) > 50:
                self._highlighter.rehighlight()  # one pass beats fifty single ones
                return
            for block in blocks.values():
                self._highlighter.rehighlightBlock(block)

    def highlight(self, highlighter: QSyntaxHighlighter, block: QTextBlock) -> None:
        """Apply the marks in one paragraph (called by the highlighter)."""
        start = block.position()
        end = start + block.length()
        formats = self._mark_formats()
        for name in (READABILITY, GRAMMAR):
            layer = self._layers.get(name)
            if not layer:
                continue
            for span_start, span_end, mark in layer.between(start, end):
                offset = max(span_start, start) - start
                length = min(span_end, end) - start - offset
                mark_format = formats[mark.kind]
                if name == GRAMMAR:
                    # The underline goes over whatever background the sentence has.
                    under = highlighter.format(offset)
                    if under.hasProperty(_BACKGROUND_PROPERTY):
                        under.merge(mark_format)  # `under` is a copy
                        mark_format = under
                highlighter.setFormat(offset, length, mark_format)

    def set_overflow(self, start: int | None, tooltip: str = "") -> None:
        """Mark from Qt position `start` to the end as not fitting; None clears it.

        Called on every keystroke, so it returns at once when nothing changed: Qt's
        cursor already stretches the mark over text typed at its end.
        """
        current = self._overflow
        if start is None:
            if current is None:
                return
            self._overflow = self._overflow_selection = None
            self.setExtraSelections([])
            return
        end = self.document().characterCount() - 1
        if (
            current is not None
            and current[0].selectionStart() == start
            and current[0].selectionEnd() == end
            and current[1].tooltip == tooltip
        ):
            return
        from PySide6.QtGui import QTextCursor
        from PySide6.QtWidgets import QTextEdit

        from postdesk.ui.editor_marks import Mark, MarkKind

        cursor = QTextCursor(self.document())
        cursor.setPosition(min(start, end))
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor
        selection.format = self._mark_formats()[MarkKind.OVERFLOW]
        self._overflow = (cursor, Mark(MarkKind.OVERFLOW, start, end, tooltip))
        self._overflow_selection = selection
        self.setExtraSelections([selection])

    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        """Move the marks with an edit, and drop the ones it touched."""
        if not self._layers:
            return  # no marks yet: the usual keystroke before the first report
        dropped = []
        for layer in self._layers.values():
            if len(layer):
                dropped.extend(layer.follow_edit(position, removed, added))
        if dropped:
            self._redraw(dropped)

    # -- colours ---------------------------------------------------------------------------

    def _mark_formats(self) -> dict[MarkKind, QTextCharFormat]:
        """One format per kind, in colours chosen for this editor's palette."""
        if self._formats is None:
            from PySide6.QtGui import QColor, QPalette, QTextCharFormat

            from postdesk.ui.editor_marks import mark_styles

            palette = self.palette()
            styles = mark_styles(
                palette.color(QPalette.ColorRole.Base).name(),
                palette.color(QPalette.ColorRole.Text).name(),
            )
            formats = {}
            for kind, style in styles.items():
                char_format = QTextCharFormat()
                if style.background is not None:
                    char_format.setBackground(QColor(style.background))
                if style.underline is not None:
                    char_format.setUnderlineStyle(
                        QTextCharFormat.UnderlineStyle.SpellCheckUnderline
                    )
                    char_format.setUnderlineColor(QColor(style.underline))
                formats[kind] = char_format
            self._formats = formats
        return self._formats

    def mark_format(self, kind: MarkKind) -> QTextCharFormat:
        """How marks of this kind look in the current palette."""
        return self._mark_formats()[kind]

    def changeEvent(self, event: QEvent) -> None:
        """A new palette (dark mode, high contrast): re-colour the marks to match it."""
        super().changeEvent(event)
        if event.type() == _PALETTE_CHANGE:
            self._formats = None
            if self._overflow_selection is not None:
                from postdesk.ui.editor_marks import MarkKind

                self._overflow_selection.format = self._mark_formats()[MarkKind.OVERFLOW]
                self.setExtraSelections([self._overflow_selection])
            if self._highlighter is not None:
                with _quiet(self):
                    self._highlighter.rehighlight()

    # -- tooltips --------------------------------------------------------------------------

    def viewportEvent(self, event: QEvent) -> bool:
        """Hovering over a mark shows it in words."""
        if event.type() == _TOOLTIP_EVENT and (self._overflow is not None or self._has_marks()):
            return self._show_tooltip(event)  # type: ignore[arg-type]
        return super().viewportEvent(event)

    def _show_tooltip(self, event: QHelpEvent) -> bool:
        from PySide6.QtWidgets import QToolTip

        position = self._position_under(event.pos())
        mark = self.mark_at(position) if position is not None else None
        if mark is None or not mark.tooltip:
            QToolTip.hideText()
            event.ignore()
        else:
            QToolTip.showText(event.globalPos(), mark.tooltip, self.viewport())
        return True

    def _position_under(self, point: QPoint) -> int | None:
        """The text position under a viewport point, or None off the text (past a
        line's end, or in the margin), where the nearest position would mislead."""
        cursor = self.cursorForPosition(point)
        rect = self.cursorRect(cursor)
        reach = max(self.fontMetrics().averageCharWidth(), 1)
        if not (rect.top() <= point.y() <= rect.bottom()) or abs(point.x() - rect.x()) > reach:
            return None
        return cursor.position()

    # -- context menu ----------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """The Menu key and Shift+F10 open the context menu at the text cursor.

        Some platforms turn these keys into a context-menu event of their own (X11 the
        Menu key, Windows both); others (Wayland, offscreen) send only the key. The
        second menu such a platform asks for is not opened (see `contextMenuEvent`).
        """
        key = event.key()
        if key in (_KEY_MENU, _KEY_F10):
            modifiers = event.modifiers().value
            if (key == _KEY_MENU and modifiers == _NO_MODIFIER) or (
                key == _KEY_F10 and modifiers == _SHIFT_MODIFIER
            ):
                self.open_context_menu()
                event.accept()
                return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        """Right-click: the menu for the spot clicked; keyboard: for the text cursor."""
        from PySide6.QtGui import QContextMenuEvent

        if self._menu is not None and self._menu.isVisible():
            return  # the platform's own event for a key that already opened it
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            # Qt would place it where the event says, which is the mouse pointer on
            # some platforms: the text cursor is where a keyboard user is looking.
            self.open_context_menu()
            return
        position = self.cursorForPosition(event.pos()).position()
        self._popup(self.build_context_menu(position), event.globalPos())

    def open_context_menu(self) -> QMenu:
        """Open the context menu for the text cursor, just below it."""
        cursor = self.textCursor()
        menu = self.build_context_menu(cursor.position())
        self._popup(menu, self.viewport().mapToGlobal(self.cursorRect(cursor).bottomLeft()))
        return menu

    def context_menu(self) -> QMenu | None:
        """The context menu while it is open (for tests and assistive tools)."""
        menu = self._menu
        return menu if menu is not None and menu.isVisible() else None

    def _popup(self, menu: QMenu, where: QPoint) -> None:
        from PySide6.QtCore import Qt

        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.destroyed.connect(functools.partial(self._on_menu_destroyed, menu))
        self._menu = menu
        menu.popup(where)

    def _on_menu_destroyed(self, menu: QMenu, _object: object = None) -> None:
        if self._menu is menu:  # not a newer menu opened since
            self._menu = None

    def build_context_menu(self, position: int) -> QMenu:
        """Qt's editing menu, led by the fixes for a spelling or grammar mark at
        `position` (a Qt position), or by a readability mark's words."""
        from PySide6.QtGui import QAction

        menu = self.createStandardContextMenu()
        menu.setAccessibleName("Editing menu")
        first = menu.actions()[0] if menu.actions() else None
        mark = self.mark_at(position)
        if mark is None:
            return menu
        leading: list[QAction] = []
        if mark.kind.actionable:
            words = _short(mark.words)
            for suggestion in mark.suggestions:
                label = (suggestion or f"Remove “{words}”").replace("&", "&&")
                action = QAction(label, menu)
                action.setObjectName("editor.replace")
                action.setToolTip(mark.tooltip)
                action.triggered.connect(functools.partial(self._replace, mark, suggestion))
                leading.append(action)
            if not mark.suggestions:
                none = QAction("No suggestions", menu)
                none.setEnabled(False)
                leading.append(none)
            ignore = QAction(f"Ignore “{words.replace('&', '&&')}” for this session", menu)
            ignore.setObjectName("editor.ignore")
            ignore.triggered.connect(functools.partial(self._ignore, mark))
            leading.append(ignore)
        else:
            # Words, not only a colour: what a keyboard user cannot hover to read.
            note = QAction(mark.tooltip.replace("&", "&&"), menu)
            note.setEnabled(False)
            leading.append(note)
        menu.setAccessibleDescription(mark.tooltip)
        menu.setToolTipsVisible(True)
        menu.insertActions(first, leading)  # type: ignore[arg-type]
        if first is not None:
            menu.insertSeparator(first)
        return menu

    def _replace(self, mark: Mark, suggestion: str, _checked: bool = False) -> None:
        """Replace a mark's span with a suggestion, as one undo step."""
        from PySide6.QtGui import QTextCursor

        layer = self._layers.get(GRAMMAR)
        span = layer.where(mark) if layer is not None else None
        if span is None:
            return  # the text under it changed since the menu opened
        cursor = QTextCursor(self.document())
        cursor.setPosition(span[0])
        cursor.setPosition(span[1], QTextCursor.MoveMode.KeepAnchor)
        # Qt writes a line break in a selection as U+2029.
        if cursor.selectedText().replace("\u2029", "\n") != mark.words:
            logger.warning("A mark had drifted from its words; it was not applied")
            self._drop(lambda other: other is mark)
            return
        cursor.beginEditBlock()
        cursor.insertText(suggestion)
        cursor.endEditBlock()
        self.setTextCursor(cursor)  # keep typing after the fix

    def _ignore(self, mark: Mark, _checked: bool = False) -> None:
        """Ignore this word (spelling) or this problem (grammar) for the session."""
        key = mark.ignore_key
        if key is None:
            return
        self._ignored.add(key)
        self._drop(lambda other: other.ignore_key == key)
        self.mark_ignored.emit(mark)

    def _drop(self, unwanted: Callable[[Mark], bool]) -> None:
        dropped = [span for layer in self._layers.values() for span in layer.remove(unwanted)]
        if dropped:
            self._redraw(dropped)


def _mark_highlighter_class() -> type[QSyntaxHighlighter]:
    """The highlighter class, defined on first use: subclassing a Qt class costs
    start-up time, and most drafts have no marks for the first seconds."""
    global _MarkHighlighterClass
    if _MarkHighlighterClass is None:
        from PySide6.QtGui import QSyntaxHighlighter

        class MarkHighlighter(QSyntaxHighlighter):
            """Draws a DraftEditor's marks into each paragraph's layout."""

            def __init__(self, editor: DraftEditor) -> None:
                super().__init__(editor.document())
                self._editor = editor

            def highlightBlock(self, text: str) -> None:
                self._editor.highlight(self, self.currentBlock())

        _MarkHighlighterClass = MarkHighlighter
    return _MarkHighlighterClass


_MarkHighlighterClass: type[QSyntaxHighlighter] | None = None


@contextmanager
def _quiet(editor: QPlainTextEdit) -> Iterator[None]:
    """Re-drawing marks without the document saying its text changed.

    A highlighter pass ends an edit block, so Qt emits ``contentsChanged`` and the
    editor ``textChanged``, though not a character changed: the composer would analyse
    again (and mark again, for ever), autosave would save, and a signed-off draft
    would look edited.
    """
    document = editor.document()
    was_blocked = document.blockSignals(True)
    try:
        yield
    finally:
        document.blockSignals(was_blocked)


def _short(words: str) -> str:
    """A span's words for a menu item: one line, not too long."""
    # Qt gives a selection's line breaks as U+2029.
    words = " ".join(words.replace("\u2029", " ").split())
    if len(words) > _LONGEST_WORDS_IN_MENU:
        return words[: _LONGEST_WORDS_IN_MENU - 1] + "…"
    return words
