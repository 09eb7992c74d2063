"""Preferences: grammar checking, the rule pack, the database, and channel accounts.

Settings are saved to the user's settings file; the change is recorded in the audit
trail (which settings, never their values: a database address can hold a password).
Account credentials go from the password field straight to the keyring.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from postdesk import settings
from postdesk.ui.dbworker import DatabaseWorker

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
    """

    settings_saved = Signal(list)
    account_added = Signal(str)

    def __init__(
        self,
        worker: DatabaseWorker,
        engine: Engine,
        actor: str,
        *,
        secrets: SecretWriter,
        adapters: Callable[[], dict[Platform, Adapter]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setAccessibleName("Preferences")
        self._worker, self._engine, self._actor = worker, engine, actor
        self._secrets, self._adapters = secrets, adapters
        self._current = settings.load().settings

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
        form.addRow(QLabel("Election-period dates are set in the department rule pack."))

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

        tabs = QTabWidget()
        tabs.setAccessibleName("Preferences sections")
        tabs.tabBar().setAccessibleName("Preferences sections: General, Accounts")
        tabs.addTab(general, "&General")
        tabs.addTab(accounts_tab, "&Accounts")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(640, 480)
        self.refresh_accounts()

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
        )

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
        if changed:
            from postdesk.workflow import audit

            engine, actor = self._engine, self._actor
            self._worker.call(
                lambda: audit.record(
                    engine, actor=actor, event="settings_changed", details={"settings": changed}
                ),
                lambda _event: None,
            )
        self.settings_saved.emit(changed)
        self.accept()

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
        self.message.setText(str(error))
