"""The shortcut registry: every action's default keys, the user's changes, and conflicts.

Every QAction carries a stable id in its object name ("file.new", "review.approve"). The
registry remembers the keys the code gave each action the first time it sees it (its
defaults), applies the user's overrides from the settings (id -> key sequences in Qt's
portable text; an empty list means no shortcut), and refuses any change that would make
two actions answer the same keys on the same screen.

Screens, and why one key can do two things: Ctrl+Enter submits a draft on the Write
screen and approves it on the Review screen. Qt only fires a window shortcut of an action
while a widget the action is attached to is visible, and the screens are tabs, so only the
current screen's widgets are visible. One catch: a menu-bar entry is always visible, so
an action listed in a menu would fire on every screen (and Qt fires neither action of an
ambiguous pair). `apply_shortcuts` therefore gives screen actions the
WidgetWithChildrenShortcut context, which fires only while the focus is inside a widget
the action is attached to: its screen. The menu entry still runs it by mouse or Alt.
Global actions (File, Help, Preferences) keep the window context and reach every screen,
so they may share keys with nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import shiboken6
from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

__all__ = [
    "Conflict",
    "Keymap",
    "Scope",
    "action_id",
    "action_name",
    "apply_saved_shortcuts",
    "apply_shortcuts",
    "conflicts",
    "current_keys",
    "default_keys",
    "keys_clash",
    "normalised",
    "scope_of",
    "scopes_overlap",
    "typing_key_reason",
]

logger = logging.getLogger(__name__)

PORTABLE = QKeySequence.SequenceFormat.PortableText
# Where each action's code-given keys are kept, on the action itself, so actions that
# screens create later are recorded whenever the registry first meets them.
_DEFAULTS_PROPERTY = "postdesk_default_shortcuts"


class Scope(StrEnum):
    """Where an action's shortcut can fire."""

    GLOBAL = "global"
    WRITE = "write"
    REVIEW = "review"
    PUBLISH = "publish"


_WRITE_PREFIXES = ("channel.", "findings.", "editor.")
_WRITE_IDS = frozenset({"draft.submit", "draft.thread", "draft.essential"})


def scope_of(identity: str) -> Scope:
    """The screen an action belongs to, from its id; anything else is global."""
    if identity in _WRITE_IDS or identity.startswith(_WRITE_PREFIXES):
        return Scope.WRITE
    if identity.startswith("review."):
        return Scope.REVIEW
    if identity.startswith("publish."):
        return Scope.PUBLISH
    return Scope.GLOBAL


def scopes_overlap(first: Scope, second: Scope) -> bool:
    """Whether two scopes can be active at once: a global one overlaps every screen."""
    return first is Scope.GLOBAL or second is Scope.GLOBAL or first is second


def action_id(action: QAction) -> str:
    """The action's stable id (its object name); "" for an action without one."""
    return action.objectName()


def action_name(action: QAction) -> str:
    """The action's text as people read it: no mnemonic ampersand, no trailing tab."""
    text = action.text().split("\t", 1)[0]
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def normalised(keys: str) -> str | None:
    """A key sequence in Qt's portable text ("ctrl+shift+k" -> "Ctrl+Shift+K").

    Returns None when the text is not a key sequence Qt knows (a made-up key name, an
    empty string, an invisible character).
    """
    sequence = QKeySequence.fromString(keys, PORTABLE)
    if sequence.isEmpty():
        return None
    text = sequence.toString(PORTABLE)
    if not all(_readable(chord.key()) for chord in _combinations(sequence)):
        return None
    # Qt drops a part it cannot read and keeps the rest, so "Ctrl+Banana" reads as "".
    return text or None


def _readable(key: Qt.Key) -> bool:
    """Whether a key is one people can see written: not unknown, not an invisible
    character (a zero-width space or a direction mark would read as no key at all)."""
    import unicodedata

    code = int(key.value)
    if code in (0, int(Qt.Key.Key_unknown.value)):
        return False
    if code >= int(Qt.Key.Key_Escape.value):
        return True  # a named key: F8, Return, Left
    if code > 0x10FFFF:
        return False
    return code == 0x20 or unicodedata.category(chr(code))[0] not in "CZ"


def _combinations(sequence: QKeySequence) -> list[QKeyCombination]:
    # PySide6 indexes a QKeySequence (C++ operator[]), but its type stubs do not say so.
    return [sequence[index] for index in range(sequence.count())]  # type: ignore[index]


def _chords(keys: str) -> tuple[int, ...]:
    sequence = QKeySequence.fromString(keys, PORTABLE)
    return tuple(chord.toCombined() for chord in _combinations(sequence))


def keys_clash(first: str, second: str) -> bool:
    """Whether two key sequences collide: the same, or one starts the other.

    Qt waits after the first chord of "Ctrl+K, Ctrl+C" for a second one, so a separate
    "Ctrl+K" would never fire straight away: a prefix is a clash too.
    """
    a, b = _chords(first), _chords(second)
    shorter = min(len(a), len(b))
    return shorter > 0 and a[:shorter] == b[:shorter]


def default_keys(action: QAction) -> list[str]:
    """The keys the code gave the action, recorded the first time the registry saw it."""
    recorded = action.property(_DEFAULTS_PROPERTY)
    if isinstance(recorded, list):
        return [str(keys) for keys in recorded]
    keys = current_keys(action)
    action.setProperty(_DEFAULTS_PROPERTY, keys)
    return keys


def current_keys(action: QAction) -> list[str]:
    """The action's keys now, in portable text."""
    return [text for s in action.shortcuts() if (text := s.toString(PORTABLE))]


_TYPING_KEYS = frozenset(
    {
        Qt.Key.Key_Tab,
        Qt.Key.Key_Backtab,
        Qt.Key.Key_Return,
        Qt.Key.Key_Enter,
        Qt.Key.Key_Escape,
        Qt.Key.Key_Backspace,
        Qt.Key.Key_Delete,
        Qt.Key.Key_Insert,
        Qt.Key.Key_Left,
        Qt.Key.Key_Right,
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_Home,
        Qt.Key.Key_End,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_PageDown,
        Qt.Key.Key_Space,
        Qt.Key.Key_Menu,
    }
)
_EDITING_KEYS = (
    ("Copy", QKeySequence.StandardKey.Copy),
    ("Cut", QKeySequence.StandardKey.Cut),
    ("Paste", QKeySequence.StandardKey.Paste),
    ("Undo", QKeySequence.StandardKey.Undo),
    ("Redo", QKeySequence.StandardKey.Redo),
    ("Select all", QKeySequence.StandardKey.SelectAll),
)


def typing_key_reason(keys: str) -> str | None:
    """Why these keys cannot be a shortcut, or None when they can.

    A shortcut on a key that types a character or moves the focus or the cursor would
    take that key away from everyone writing a post or using the keyboard to get around
    (WCAG 2.1.4, character key shortcuts; 2.1.2, no keyboard trap). Alt with a letter
    or digit is kept for the underlined letters of menus and labels, and the text
    editor's own Copy, Paste, Undo and so on for the editor.
    """
    sequence = QKeySequence.fromString(keys, PORTABLE)
    if sequence.isEmpty():
        return None
    first = _combinations(sequence)[0]
    modifiers = first.keyboardModifiers() & ~(
        Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
    )
    key = first.key()
    types_text = int(key.value) < int(Qt.Key.Key_Escape.value)  # Unicode keys come first
    if modifiers == Qt.KeyboardModifier.NoModifier and (types_text or key in _TYPING_KEYS):
        return f"{keys} is needed for typing and moving around; add Ctrl"
    if (
        first.keyboardModifiers() == Qt.KeyboardModifier.AltModifier
        and types_text
        and int(key.value) <= 0x10FFFF
        and chr(int(key.value)).isalnum()
    ):
        return f"{keys} is kept for the underlined letters of menus and labels"
    for name, standard in _EDITING_KEYS:
        for bound in QKeySequence.keyBindings(standard):
            if bound.toString(PORTABLE) == sequence.toString(PORTABLE):
                return f"{keys} is the text editor's {name}"
    return None


@dataclass(frozen=True)
class Conflict:
    """Two actions that answer the same keys on the same screen.

    Attributes:
        keys: the keys (or the shorter of a prefix pair), in portable text.
        first, second: the two actions' ids, in registry order.
        first_name, second_name: their names as the menus show them.
    """

    keys: str
    first: str
    second: str
    first_name: str
    second_name: str

    def __str__(self) -> str:
        return (
            f"{self.keys} is used by both \u201c{self.first_name}\u201d ({self.first}) "
            f"and \u201c{self.second_name}\u201d ({self.second})"
        )


def _registered(actions: Iterable[QAction]) -> dict[str, QAction]:
    """Actions with an id, each once (the first of any duplicate id)."""
    found: dict[str, QAction] = {}
    for action in actions:
        identity = action_id(action)
        if identity and not action.isSeparator():
            found.setdefault(identity, action)
    return found


@dataclass(frozen=True)
class _Where:
    """What decides whether two actions can fire at the same moment, and a name."""

    name: str
    scope: Scope
    # The window the action lives in: the main window, or a dialog such as the comment
    # editor, whose shortcuts only fire while that dialog is active.
    window: int


def _where(identity: str, action: QAction) -> _Where:
    parent = action.parent()
    window = parent.window() if isinstance(parent, QWidget) else None
    # The C++ object's address: a Python wrapper's id() need not be stable.
    address = shiboken6.getCppPointer(window)[0] if window is not None else 0
    return _Where(action_name(action), scope_of(identity), int(address))


def _can_meet(first: _Where, second: _Where) -> bool:
    return first.window == second.window and scopes_overlap(first.scope, second.scope)


def _conflicts_in(
    assignment: Mapping[str, Sequence[str]], where: Mapping[str, _Where]
) -> list[Conflict]:
    found: list[Conflict] = []
    ids = sorted(assignment)
    for index, first in enumerate(ids):
        for second in ids[index + 1 :]:
            if not _can_meet(where[first], where[second]):
                continue
            clash = next(
                (
                    a if len(_chords(a)) <= len(_chords(b)) else b
                    for a in assignment[first]
                    for b in assignment[second]
                    if keys_clash(a, b)
                ),
                None,
            )
            if clash is not None:
                found.append(Conflict(clash, first, second, where[first].name, where[second].name))
    return found


def conflicts(actions: Iterable[QAction]) -> list[Conflict]:
    """Every pair of actions whose current keys collide where both can fire."""
    registered = _registered(actions)
    assignment = {identity: current_keys(action) for identity, action in registered.items()}
    where = {identity: _where(identity, action) for identity, action in registered.items()}
    return _conflicts_in(assignment, where)


class Keymap:
    """Every action's defaults and wanted keys: what Preferences edits, then applies.

    Changes are checked as they are made, so the map never holds a conflict that was not
    already in the code's defaults.
    """

    def __init__(
        self,
        actions: Iterable[QAction],
        overrides: Mapping[str, Sequence[str]],
        *,
        report_unknown: bool = True,
    ) -> None:
        """Start from the actions' defaults with the user's overrides applied.

        Args:
            actions: the window's actions (those without an id are left alone).
            overrides: id -> key sequences, as the settings hold them.
            report_unknown: whether an override for an action not among `actions` is a
                problem (not when applying to a dialog's few actions).
        """
        self._report_unknown = report_unknown
        self._actions = _registered(actions)
        self.defaults = {i: default_keys(a) for i, a in self._actions.items()}
        self._where = {i: _where(i, a) for i, a in self._actions.items()}
        self.names = {i: where.name for i, where in self._where.items()}
        self.keys: dict[str, list[str]] = {i: list(keys) for i, keys in self.defaults.items()}
        self.problems: list[str] = []
        self._take(overrides)

    def ids(self) -> list[str]:
        """Every action id, in the order of their names."""
        return sorted(self.keys, key=lambda i: (self.names[i].lower(), i))

    def conflict_for(self, identity: str, keys: Sequence[str]) -> Conflict | None:
        """The first action `keys` would collide with if `identity` took them."""
        trial = {**self.keys, identity: list(keys)}
        for conflict in _conflicts_in(trial, self._where):
            if identity in (conflict.first, conflict.second):
                return conflict
        return None

    def assign(self, identity: str, keys: Sequence[str]) -> str | None:
        """Give an action these keys; returns why not (and changes nothing) if they clash.

        Args:
            identity: the action's id.
            keys: key sequences in portable text; an empty list removes the shortcut.
        """
        if identity not in self.keys:
            return f"there is no action {identity!r}"
        cleaned: list[str] = []
        for typed in keys:
            reason = self._unusable(identity, typed)
            if reason is not None:
                return reason
            keys_text = normalised(typed) or typed
            if keys_text not in cleaned:
                cleaned.append(keys_text)
        conflict = self.conflict_for(identity, cleaned)
        if conflict is not None:
            other = conflict.second_name if conflict.first == identity else conflict.first_name
            return f"{conflict.keys} is already the shortcut for \u201c{other}\u201d"
        self.keys[identity] = cleaned
        return None

    def reset(self, identity: str) -> str | None:
        """Back to the code's keys; returns why not if another action now has them."""
        return self.assign(identity, self.defaults.get(identity, []))

    def reset_all(self) -> None:
        """Every action back to the code's keys."""
        self.keys = {i: list(keys) for i, keys in self.defaults.items()}

    def is_default(self, identity: str) -> bool:
        """Whether the action has the code's keys."""
        return self.keys[identity] == self.defaults[identity]

    def overrides(self) -> dict[str, list[str]]:
        """What the settings store: only the actions whose keys differ from the code's."""
        return {i: list(k) for i, k in sorted(self.keys.items()) if not self.is_default(i)}

    def apply(self) -> None:
        """Set every action's keys, and keep screen shortcuts on their screens."""
        for identity, action in self._actions.items():
            wanted = self.keys[identity]
            if current_keys(action) != wanted:
                action.setShortcuts([QKeySequence.fromString(k, PORTABLE) for k in wanted])
            if scope_of(identity) is not Scope.GLOBAL:
                _confine(action, identity, self.problems)

    def _unusable(self, identity: str, typed: str) -> str | None:
        """Why an action cannot have these keys (clashes aside), or None."""
        keys_text = normalised(typed)
        if keys_text is None:
            return f"{typed!r} is not a key sequence"
        if keys_text in self.defaults[identity]:
            return None  # the code chose it: a standard key such as Undo is fine there
        return typing_key_reason(keys_text)

    def _take(self, overrides: Mapping[str, Sequence[str]]) -> None:
        """Apply the settings' overrides, skipping (and reporting) what cannot be used.

        All overrides are applied together first, so swapping two actions' keys works;
        then, while a clash remains that an override caused, that override is undone.
        """
        taken: set[str] = set()
        for identity in sorted(overrides):
            if identity not in self.keys:
                if self._report_unknown:
                    self.problems.append(f"shortcut for {identity!r} ignored: no such action")
                continue
            cleaned: list[str] = []
            for typed in overrides[identity]:
                reason = self._unusable(identity, typed)
                if reason is not None:
                    self.problems.append(f"shortcut for {identity!r} ignored: {reason}")
                    break
                keys_text = normalised(typed) or typed
                if keys_text not in cleaned:
                    cleaned.append(keys_text)
            else:
                self.keys[identity] = cleaned
                taken.add(identity)
        while True:
            clash = next(
                (c for c in _conflicts_in(self.keys, self._where) if {c.first, c.second} & taken),
                None,
            )
            if clash is None:
                break
            undone = clash.second if clash.second in taken else clash.first
            self.keys[undone] = list(self.defaults[undone])
            taken.discard(undone)
            self.problems.append(f"shortcut for {undone!r} ignored: {clash}")
        self.problems.extend(str(c) for c in _conflicts_in(self.keys, self._where))


def _confine(action: QAction, identity: str, problems: list[str]) -> None:
    """Make a screen action's shortcut fire only on its screen (see the module docstring)."""
    attached = [w for w in action.associatedObjects() if isinstance(w, QWidget)]
    # A menu is always reachable and the main window holds every screen: neither is a
    # screen. (A dialog is a window of its own, whose shortcuts only fire inside it.)
    on_screen = any(not isinstance(w, QMenu) and not w.isWindow() for w in attached)
    everywhere = any(isinstance(w, QMenu | QMainWindow) for w in attached)
    if on_screen:
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    elif everywhere and action.shortcuts():
        # With the window context it would fire on every screen, with the focus context
        # never. Say so; the window must add it to its screen's widget.
        problems.append(
            f"{identity} is on the {scope_of(identity).value} screen but attached to no "
            "widget of it, so its shortcut reaches every screen: add it to the screen "
            "widget with addAction()"
        )


def apply_shortcuts(
    actions: Iterable[QAction],
    overrides: Mapping[str, Sequence[str]],
    *,
    report_unknown: bool = True,
) -> list[str]:
    """Apply the user's shortcuts to the window's actions.

    Records each action's defaults the first time it is seen, so calling this again
    (after a screen adds its actions, or after Preferences change) starts from the code's
    keys each time. Nothing here is fatal: an unknown id, keys Qt cannot read, keys
    needed for typing, or a clash with another action skip that override, which is
    reported, and the action keeps its default.

    Args:
        actions: every action of the window (`MainWindow.all_actions`).
        overrides: the settings' ``shortcuts`` (id -> key sequences in portable text).
        report_unknown: False when `actions` are only some of them (a dialog's own), so
            overrides for the rest are not reported as unknown.

    Returns:
        What could not be applied, one sentence each.
    """
    keymap = Keymap(actions, overrides, report_unknown=report_unknown)
    keymap.apply()
    return keymap.problems


def apply_saved_shortcuts(actions: Iterable[QAction], *, report_unknown: bool = True) -> list[str]:
    """`apply_shortcuts` with the shortcuts in force (the site file's, then the user's).

    What cannot be applied is logged as a warning (a bad settings file never stops
    anything) and returned.
    """
    from postdesk import site_settings

    overrides = site_settings.load_layered().settings.shortcuts
    problems = apply_shortcuts(actions, overrides, report_unknown=report_unknown)
    for problem in problems:
        logger.warning("Shortcut not applied: %s", problem)
    return problems
