"""Preferences: grammar checking, the rule pack, the database, election periods, channel
accounts and keyboard shortcuts.

Settings are saved to the user's settings file; the change is recorded in the audit
trail (which settings, never their values: a database address can hold a password; the
election dates an admin sets are recorded, as they decide what may be posted).
Account credentials go from the password field straight to the keyring. Shortcuts are
checked against each other as they are recorded and applied to the window on saving.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from postdesk import settings, site_settings
from postdesk.ui.dbworker import DatabaseWorker
from postdesk.ui.palette import SCOPE_NAMES
from postdesk.ui.shortcuts import PORTABLE, Keymap, normalised, scope_of

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from postdesk.publishing.adapter import Adapter, Platform
    from postdesk.publishing.publisher import StoredAccount

GRAMMAR_CHOICES = (
    ("LanguageTool on this computer (downloads it once; needs Java)", "local"),
    ("My department's LanguageTool server", "server"),
    ("Off (offline spelling only)", "off"),
)
PLATFORM_CHOICES = ("mastodon", "bluesky", "x", "linkedin")


class SecretWriter:
    """What the accounts tab needs of the keyring."""

    def __init__(
        self, set_secret: Callable[[str, str], None], has_secret: Callable[[str], bool]
    ) -> None:
        self.set = set_secret
        self.has = has_secret


class SettingsDialog(QDialog):
    """Preferences, with an Accounts tab.

    Signals:
        settings_saved: the names of the settings that changed (list[str]).
        account_added: an account was verified and added (its display name).
        admin_checked: the database said whether the person is an admin (bool).
    """

    settings_saved = Signal(list)
    account_added = Signal(str)
    admin_checked = Signal(bool)

    def __init__(
        self,
        worker: DatabaseWorker,
        engine: Engine,
        actor: str,
        *,
        secrets: SecretWriter,
        adapters: Callable[[], dict[Platform, Adapter]],
        actions: Iterable[QAction] = (),
        parent: QWidget | None = None,
    ) -> None:
        """Build the dialog.

        Args:
            worker: runs database work off the GUI thread.
            engine: the database (audit trail, accounts, the actor's roles).
            actor: who is using PostDesk (the election period is for admins only).
            secrets: where account tokens go.
            adapters: the publishing adapters, for verifying an account.
            actions: the window's actions, for the Keyboard tab; saving applies the
                shortcuts to them.
            parent: the window.
        """
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setAccessibleName("Preferences")
        self._worker, self._engine, self._actor = worker, engine, actor
        self._secrets, self._adapters = secrets, adapters
        self._current = settings.load().settings
        # The IT team's site file: its shortcuts and election periods are in force too.
        self._site = settings.load(site_settings.site_settings_path()).settings
        self.is_admin = False

        self.grammar = QComboBox()
        self.grammar.setAccessibleName("Grammar checking")
        for label, value in GRAMMAR_CHOICES:
            self.grammar.addItem(label, value)
        self.grammar.setCurrentIndex(self.grammar.findData(self._current.grammar_mode))
        self.languagetool_url = QLineEdit(self._current.languagetool_url or "")
        self.languagetool_url.setAccessibleName("LanguageTool server address")
        self.languagetool_url.setPlaceholderText("https://languagetool.example.gov.uk")
        self.rule_pack = QLineEdit(self._current.rule_pack_path or "")
        self.rule_pack.setAccessibleName("Department rule pack file")
        self.rule_pack.setPlaceholderText("(the UK public-sector pack)")
        browse = QPushButton("&Browse…")
        browse.setAccessibleName("Browse for a rule pack file")
        browse.clicked.connect(self._browse_pack)
        pack_row = QHBoxLayout()
        pack_row.addWidget(self.rule_pack, 1)
        pack_row.addWidget(browse)
        self.database_url = QLineEdit(self._current.database_url or "")
        self.database_url.setAccessibleName("Team database address")
        self.database_url.setPlaceholderText("(this computer's own database)")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Preferences status")

        general = QWidget()
        form = QFormLayout(general)
        form.addRow("&Grammar:", self.grammar)
        form.addRow("LanguageTool &server:", self.languagetool_url)
        form.addRow("Rule &pack:", pack_row)
        form.addRow("Team &database:", self.database_url)
        self.election_box = self._election_section()
        form.addRow(self.election_box)

        self.accounts = QListWidget()
        self.accounts.setAccessibleName("Channel accounts")
        self.platform = QComboBox()
        self.platform.setAccessibleName("Platform")
        self.platform.addItems(PLATFORM_CHOICES)
        self.handle = QLineEdit()
        self.handle.setAccessibleName("Account handle")
        self.handle.setPlaceholderText("@news@social.example.gov.uk")
        self.server = QLineEdit()
        self.server.setAccessibleName("Server address")
        self.server.setPlaceholderText("https://social.example.gov.uk")
        self.token = QLineEdit()
        self.token.setAccessibleName("Token or app password")
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_button = QPushButton("&Verify and add")
        self.add_button.setAccessibleName("Verify and add the account")
        self.add_button.clicked.connect(self._add_account)
        accounts_tab = QWidget()
        accounts_layout = QVBoxLayout(accounts_tab)
        accounts_layout.addWidget(self.accounts, 1)
        add_form = QFormLayout()
        add_form.addRow("Pla&tform:", self.platform)
        add_form.addRow("&Handle:", self.handle)
        add_form.addRow("Ser&ver:", self.server)
        add_form.addRow("To&ken:", self.token)
        add_form.addRow("", self.add_button)
        accounts_layout.addLayout(add_form)
        accounts_layout.addWidget(
            QLabel("Tokens are kept in this computer's keyring, never in PostDesk's database.")
        )

        self.tabs = tabs = QTabWidget()
        tabs.setAccessibleName("Preferences sections")
        tabs.tabBar().setAccessibleName("Preferences sections: General, Accounts, Keyboard")
        tabs.addTab(general, "&General")
        tabs.addTab(accounts_tab, "&Accounts")
        tabs.addTab(self._keyboard_tab(actions), "Ke&yboard")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        for button in buttons.buttons():
            button.setAccessibleName(button.text().replace("&", ""))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(680, 560)
        self.refresh_accounts()
        self._check_admin()

    # -- general ---------------------------------------------------------------------------

    def _browse_pack(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self, "Department rule pack", "", "Rule packs (*.toml)"
        )
        if chosen:
            self.rule_pack.setText(chosen)

    def wanted(self) -> settings.Settings:
        """The settings the form describes."""
        return dataclasses.replace(
            self._current,
            grammar_mode=self.grammar.currentData(),
            languagetool_url=self.languagetool_url.text().strip() or None,
            rule_pack_path=self.rule_pack.text().strip() or None,
            database_url=self.database_url.text().strip() or None,
            shortcuts=self._shortcut_overrides(),
            election_periods=self._wanted_periods(),
        )

    def _wanted_periods(self) -> tuple[tuple[date, date], ...]:
        # Only an admin changes the election periods; anyone else keeps the file's. The
        # list shows them sorted: the same periods in another order are no change.
        current = self._current.election_periods
        if not self.is_admin or sorted(current) == self._periods:
            return current
        return tuple(self._periods)

    def save(self) -> None:
        """Validate, save the settings file, and record which settings changed."""
        wanted = self.wanted()
        if wanted.grammar_mode == "server" and not wanted.languagetool_url:
            self.message.setText(
                "Give the LanguageTool server's address, or choose another option."
            )
            return
        if wanted.rule_pack_path and wanted.rule_pack_path != self._current.rule_pack_path:
            from postdesk.policy import validate_pack_file

            try:
                problems = [str(p) for p in validate_pack_file(wanted.rule_pack_path)]
            except OSError as exc:
                problems = [f"{wanted.rule_pack_path}: {exc.strerror or exc}"]
            if problems:
                self.message.setText("The rule pack was not saved:\n" + "\n".join(problems))
                return
        changed = [
            field.name
            for field in dataclasses.fields(settings.Settings)
            if getattr(wanted, field.name) != getattr(self._current, field.name)
        ]
        settings.save(wanted)
        self._current = wanted
        # At once, not at the next start: the window's actions take the new keys.
        self.keymap.apply()
        if changed:
            from postdesk.workflow import audit

            engine, actor = self._engine, self._actor
            details: dict[str, Any] = {"settings": changed}
            if "election_periods" in changed:
                details["election_periods"] = [
                    [start.isoformat(), end.isoformat()] for start, end in wanted.election_periods
                ]
            self._worker.call(
                lambda: audit.record(
                    engine, actor=actor, event="settings_changed", details=details
                ),
                lambda _event: None,
            )
        self.settings_saved.emit(changed)
        self.accept()

    def _say(self, text: str) -> None:
        """Show a message, and give it to screen readers as the status's description."""
        self.message.setText(text)
        self.message.setAccessibleDescription(text)

    # -- election period (admins) ------------------------------------------------------------

    def _election_section(self) -> QGroupBox:
        box = QGroupBox("Election period")
        self._periods: list[tuple[date, date]] = list(self._current.election_periods)
        self.election_list = QListWidget()
        self.election_list.setAccessibleName("Election periods")
        self.election_list.setMaximumHeight(96)
        today = QDate.currentDate()
        self.election_start = QDateEdit(today)
        self.election_start.setAccessibleName("First day of the election period")
        self.election_end = QDateEdit(today)
        self.election_end.setAccessibleName("Last day of the election period")
        for edit in (self.election_start, self.election_end):
            # The text field inside takes the focus too: it needs the same name.
            for inner in edit.findChildren(QLineEdit):
                inner.setAccessibleName(edit.accessibleName())
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setMinimumDate(QDate(2000, 1, 1))
            edit.setMaximumDate(QDate(2199, 12, 31))
        self.add_period_button = QPushButton("Add peri&od")
        self.add_period_button.setAccessibleName("Add the election period")
        self.add_period_button.clicked.connect(self.add_period)
        self.remove_period_button = QPushButton("Re&move period")
        self.remove_period_button.setAccessibleName("Remove the selected election period")
        self.remove_period_button.clicked.connect(self.remove_period)
        dates = QHBoxLayout()
        dates.addWidget(self.election_start)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.election_end)
        dates.addWidget(self.add_period_button)
        dates.addWidget(self.remove_period_button)
        note = (
            "During an election period only posts marked essential can go out, and "
            "party-political words are flagged. These dates apply on this computer; to set "
            "them for everyone, put them in the site settings or the department rule pack."
        )
        if self._site.election_periods:
            note += " Also set by your IT team: " + "; ".join(
                _period_text(p) for p in self._site.election_periods
            )
        explanation = QLabel(note)
        explanation.setWordWrap(True)
        form = QFormLayout(box)
        label = QLabel("&Election periods:")
        label.setBuddy(self.election_list)
        form.addRow(label, self.election_list)
        first = QLabel("Fi&rst and last day:")
        first.setBuddy(self.election_start)
        form.addRow(first, dates)
        form.addRow(explanation)
        self._show_periods()
        # Hidden until the database says this person is an admin: fail closed.
        box.setVisible(False)
        return box

    def _check_admin(self) -> None:
        from postdesk.workflow.people import People
        from postdesk.workflow.states import Role

        engine, actor = self._engine, self._actor

        def load() -> bool:
            person = People(engine, actor).get(actor)
            return person is not None and person.may(Role.ADMIN)

        def failed(error: BaseException) -> None:
            self.set_admin(False)  # not known to be an admin: no election period
            self._on_error(error)

        self._worker.call(load, self.set_admin, failed)

    def set_admin(self, is_admin: bool) -> None:
        """Show the election period to an admin; hide it from everyone else."""
        self.is_admin = bool(is_admin)
        self.election_box.setVisible(self.is_admin)
        self.admin_checked.emit(self.is_admin)

    def _show_periods(self) -> None:
        # Listed in date order; a row's number is its place in self._periods.
        self._periods.sort()
        self.election_list.clear()
        self.election_list.addItems([_period_text(period) for period in self._periods])

    def add_period(self) -> None:
        """Add the period the two dates describe, if the last day is not before the first."""
        start, end = _day(self.election_start.date()), _day(self.election_end.date())
        if end < start:
            self._say("The last day of an election period cannot be before its first day.")
            return
        if (start, end) in self._periods:
            self._say("That election period is already in the list.")
            return
        self._periods.append((start, end))
        self._show_periods()
        self._say(f"Election period {_period_text((start, end))} added; save to use it.")

    def remove_period(self) -> None:
        """Remove the selected period."""
        row = self.election_list.currentRow()
        if not 0 <= row < len(self._periods):
            self._say("Choose the election period to remove.")
            return
        start, end = self._periods.pop(row)
        self._show_periods()
        self._say(f"Election period {_period_text((start, end))} removed; save to confirm.")

    # -- keyboard ----------------------------------------------------------------------------

    def _keyboard_tab(self, actions: Iterable[QAction]) -> QWidget:
        shortcuts = site_settings.load_layered().settings.shortcuts
        # Ids not in the window now may be a dialog's own actions: kept, not reported.
        self.keymap = Keymap(actions, shortcuts, report_unknown=False)
        self.shortcut_table = QTableWidget(0, 3)
        self.shortcut_table.setAccessibleName("Keyboard shortcuts")
        self.shortcut_table.setHorizontalHeaderLabels(["Action", "Shortcut", "Where"])
        self.shortcut_table.verticalHeader().setVisible(False)
        self.shortcut_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.shortcut_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.shortcut_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.shortcut_table.setTabKeyNavigation(False)  # Tab leaves the table, as people expect
        self.shortcut_table.currentCellChanged.connect(lambda *_cells: self._on_row_chosen())
        self.key_edit = QKeySequenceEdit()
        # One chord, finished as soon as it is pressed: no second-long wait for more.
        self.key_edit.setMaximumSequenceLength(1)
        self.key_edit.setClearButtonEnabled(False)
        self.key_edit.setAccessibleName("New shortcut for the selected action")
        for inner in self.key_edit.findChildren(QLineEdit):
            inner.setAccessibleName("New shortcut for the selected action")
        self.key_edit.editingFinished.connect(self._on_keys_recorded)
        self.clear_keys_button = QPushButton("C&lear shortcut")
        self.clear_keys_button.setAccessibleName("Clear the selected action's shortcut")
        self.clear_keys_button.clicked.connect(self.clear_shortcut)
        self.reset_keys_button = QPushButton("&Reset to default")
        self.reset_keys_button.setAccessibleName("Reset the selected action's shortcut")
        self.reset_keys_button.clicked.connect(self.reset_shortcut)
        self.reset_all_button = QPushButton("Reset all to de&faults")
        self.reset_all_button.setAccessibleName("Reset every shortcut to its default")
        self.reset_all_button.clicked.connect(self.reset_all_shortcuts)

        tab = QWidget()
        layout = QVBoxLayout(tab)
        table_label = QLabel("Acti&ons:")
        table_label.setBuddy(self.shortcut_table)
        layout.addWidget(table_label)
        layout.addWidget(self.shortcut_table, 1)
        row = QHBoxLayout()
        keys_label = QLabel("New s&hortcut:")
        keys_label.setBuddy(self.key_edit)
        row.addWidget(keys_label)
        row.addWidget(self.key_edit, 1)
        row.addWidget(self.clear_keys_button)
        row.addWidget(self.reset_keys_button)
        layout.addLayout(row)
        layout.addWidget(self.reset_all_button, 0, Qt.AlignmentFlag.AlignLeft)
        explain = QLabel(
            "Choose an action, then press the new keys in the shortcut field. One key can "
            "do different things on different screens (Ctrl+Return submits on Write and "
            "approves on Review). Keys needed for typing, and the editor's own Copy, Paste "
            "and Undo, cannot be used."
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self._fill_shortcuts()
        if self.keymap.problems:
            self._say("Some saved shortcuts were not used: " + "; ".join(self.keymap.problems))
        return tab

    def _fill_shortcuts(self) -> None:
        table, keymap = self.shortcut_table, self.keymap
        chosen = self.selected_action()
        ids = keymap.ids()
        table.setRowCount(len(ids))
        for row, identity in enumerate(ids):
            name = QTableWidgetItem(keymap.names[identity])
            name.setData(Qt.ItemDataRole.UserRole, identity)  # the id, not shown
            keys = QTableWidgetItem(_keys_text(keymap.keys[identity]))
            if not keymap.is_default(identity):
                font = keys.font()
                font.setBold(True)  # changed; the accessible text says so in words
                keys.setFont(font)
                keys.setData(
                    Qt.ItemDataRole.AccessibleTextRole,
                    f"{_keys_text(keymap.keys[identity])} (changed)",
                )
            table.setItem(row, 0, name)
            table.setItem(row, 1, keys)
            table.setItem(row, 2, QTableWidgetItem(SCOPE_NAMES[scope_of(identity)]))
            if identity == chosen:
                table.setCurrentCell(row, 0)
        table.resizeColumnsToContents()
        if chosen is None and ids:
            table.setCurrentCell(0, 0)

    def selected_action(self) -> str | None:
        """The id of the action chosen in the table."""
        row = self.shortcut_table.currentRow()
        item = self.shortcut_table.item(row, 0) if row >= 0 else None
        identity = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return identity if isinstance(identity, str) else None

    def select_action(self, identity: str) -> None:
        """Choose an action in the table by id."""
        for row in range(self.shortcut_table.rowCount()):
            item = self.shortcut_table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == identity:
                self.shortcut_table.setCurrentCell(row, 0)
                return

    def _on_row_chosen(self) -> None:
        identity = self.selected_action()
        if identity is not None:
            name = self.keymap.names[identity]
            self.key_edit.setAccessibleDescription(f"Press the new keys for \u201c{name}\u201d")

    def _on_keys_recorded(self) -> None:
        sequence = self.key_edit.keySequence()
        self.key_edit.clear()
        if sequence.isEmpty():
            return  # left the field (Tab) without pressing anything
        self.set_shortcut(sequence.toString(PORTABLE))

    def set_shortcut(self, keys: str) -> bool:
        """Give the selected action these keys; refused, with the reason, if they clash."""
        return self._change(lambda identity: self.keymap.assign(identity, [keys]), keys)

    def clear_shortcut(self) -> bool:
        """Take the selected action's shortcut away."""
        return self._change(lambda identity: self.keymap.assign(identity, []), "")

    def reset_shortcut(self) -> bool:
        """Give the selected action the keys it comes with."""
        return self._change(self.keymap.reset, None)

    def reset_all_shortcuts(self) -> None:
        """Every action back to the keys it comes with."""
        self.keymap.reset_all()
        self._fill_shortcuts()
        self._say("Every shortcut is back to its default; save to keep this.")

    def _change(self, change: Callable[[str], str | None], keys: str | None) -> bool:
        identity = self.selected_action()
        if identity is None:
            self._say("Choose an action first.")
            return False
        name = self.keymap.names[identity]
        refused = change(identity)
        if refused is not None:
            self._say(f"\u201c{name}\u201d not changed: {refused}.")
            return False
        self._fill_shortcuts()
        now = _keys_text(self.keymap.keys[identity]) or "no shortcut"
        self._say(f"\u201c{name}\u201d: {now}. Save to keep this.")
        return True

    def _shortcut_overrides(self) -> dict[str, list[str]]:
        """What the user's file must hold for the keys shown: what differs from the keys
        the actions would have without it (the code's, or the site file's)."""
        site = self._site.shortcuts
        wanted: dict[str, list[str]] = {}
        for identity, keys in self.keymap.keys.items():
            if identity in site:
                baseline = [normalised(k) or k for k in site[identity]]
            else:
                baseline = self.keymap.defaults[identity]
            if keys != baseline:
                wanted[identity] = list(keys)
        # Keep what the file says for actions not in this window now (a dialog's own).
        for identity, keys in self._current.shortcuts.items():
            if identity not in self.keymap.keys:
                wanted[identity] = list(keys)
        return dict(sorted(wanted.items()))

    # -- accounts --------------------------------------------------------------------------

    def refresh_accounts(self) -> None:
        """List the accounts, saying which have no token on this computer."""
        from postdesk.publishing.publisher import list_accounts

        engine, secrets = self._engine, self._secrets

        def load() -> list[tuple[StoredAccount, bool]]:
            return [(a, secrets.has(a.account.secret_key)) for a in list_accounts(engine)]

        self._worker.call(load, self._show_accounts, self._on_error)

    def _show_accounts(self, rows: list[tuple[StoredAccount, bool]]) -> None:
        self.accounts.clear()
        for stored, has_token in rows:
            state = (
                "token on this computer" if has_token else "NO TOKEN ON THIS COMPUTER: add it again"
            )
            self.accounts.addItem(
                f"{stored.account.platform.value}: {stored.display_name} "
                f"({stored.account.handle}) — {state}"
            )

    def _add_account(self) -> None:
        from postdesk.publishing.adapter import Account, Platform
        from postdesk.publishing.publisher import add_account

        platform = Platform(self.platform.currentText())
        server = self.server.text().strip().rstrip("/")
        handle, token = self.handle.text().strip(), self.token.text()
        if not (handle and server and token):
            self.message.setText("Give the handle, the server address and the token.")
            return
        self.token.clear()  # the secret does not stay in the form
        account = Account(platform, handle, server)
        adapter = self._adapters()[platform]
        engine, actor, secrets = self._engine, self._actor, self._secrets
        self.add_button.setEnabled(False)
        self.message.setText("Checking the token…")

        def added(stored: Any) -> None:
            self.add_button.setEnabled(True)
            self.message.setText(f"Added {stored.display_name}.")
            self.account_added.emit(stored.display_name)
            self.refresh_accounts()

        def failed(error: BaseException) -> None:
            self.add_button.setEnabled(True)
            self.message.setText(getattr(error, "message", None) or str(error))

        self._worker.call(
            lambda: add_account(engine, actor, account, token, adapter, secrets.set),
            added,
            failed,
        )

    def _on_error(self, error: BaseException) -> None:
        self._say(str(error))


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _period_text(period: tuple[date, date]) -> str:
    """A period as GOV.UK writes dates: 1 April 2026 to 7 May 2026."""
    start, end = period
    return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"


def _keys_text(keys: list[str]) -> str:
    """Key sequences as the platform writes them ("Ctrl+N", "⌘N")."""
    native = QKeySequence.SequenceFormat.NativeText
    return ", ".join(QKeySequence.fromString(k, PORTABLE).toString(native) for k in keys)
