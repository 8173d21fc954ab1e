"""Sync in the window: Tools → Sync accounts, and syncing without the user.

`SyncController` runs `model.sync.sync_all` off the UI thread: when the window opens, every N
minutes (Preferences: `sync/minutes`, 15 by default, 0 for never), a few seconds after a change
(debounced, so a burst of edits is one sync), and on demand (F5, the toolbar's Sync). What it did
goes to the status bar; a server that cannot be reached is said there too, without a dialog: the
notebook keeps working and the changes go at the next sync.

Passwords: the system's keyring where there is one (`sync.password_for`); where there is none,
Rapport asks once when the user syncs or adds an account and keeps the password in memory for
the session only, never in a file.

`SyncAccountsDialog` lists the accounts with their state (last synced, last error), adds one
(URL or domain, user, password; the address book and calendar are found or created), removes
one, and syncs now.
"""

from __future__ import annotations

import functools
import typing
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gui.widgets.worker import BackgroundError, Jobs, run_in_background
from model import contacts, dav, history, sync

MINUTES_SETTING = "sync/minutes"
DEBOUNCE_MS = 5000


def _host(account: sync.Account) -> str:
    return urlsplit(account.url).hostname or account.url


class SyncController(QObject):
    """Syncs the open notebook with its accounts, off the UI thread, by itself and on demand."""

    started = Signal()
    finished = Signal(object)  # the sync.Report
    message = Signal(str, int)  # for the status bar: text, milliseconds (0: until replaced)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.jobs = Jobs(self)
        self.passwords: dict[int, str] = {}  # this session's, where the system has no keyring
        self.other_hosts: dict[int, str] = {}  # account id: the host its server sent Rapport to, not yet allowed
        self.quiet = False  # set while the window shows what a sync brought: not a change to sync
        self._again = False  # a change came during a sync: sync once more after it
        self.every = QTimer(self)
        self.every.timeout.connect(lambda: self.sync_now())
        self.after_change = QTimer(self)
        self.after_change.setSingleShot(True)
        self.after_change.timeout.connect(lambda: self.sync_now())
        self.set_minutes(self.minutes())

    # -- When

    @staticmethod
    def minutes() -> int:
        value = QSettings().value(MINUTES_SETTING, 15, type=int)
        return value if isinstance(value, int) else 15

    def set_minutes(self, minutes: int) -> None:
        QSettings().setValue(MINUTES_SETTING, minutes)
        if minutes > 0:
            self.every.start(minutes * 60_000)
        else:
            self.every.stop()

    def start(self) -> None:
        """The window has opened: sync soon, if there is an account."""
        if sync.accounts():
            QTimer.singleShot(1500, lambda: self.sync_now())

    def changed(self) -> None:
        """The notebook changed: sync a few seconds after the last change of a burst."""
        if self.quiet or not sync.accounts():
            return
        if self.jobs.busy():
            self._again = True
        else:
            self.after_change.start(DEBOUNCE_MS)

    def stop(self) -> None:
        """The window closes or opens another notebook: no more syncs of this one."""
        self.every.stop()
        self.after_change.stop()
        self.jobs.cancel(wait=True)

    def busy(self) -> bool:
        return self.jobs.busy()

    # -- Syncing

    def password(self, account: sync.Account) -> str:
        return sync.password_for(account) or self.passwords.get(account.id, "")

    def ask_password(self, account: sync.Account) -> bool:
        """Ask for a password the keyring does not have (kept for this session only)."""
        text, ok = QInputDialog.getText(
            self._parent, "Sync", f"Password for {account.user} at {_host(account)}\n(this system has no keyring:"
            " Rapport keeps it until you quit)", QLineEdit.EchoMode.Password)
        if ok and text:
            self.passwords[account.id] = text
        return bool(ok and text)

    def sync_now(self, ask: bool = False) -> bool:
        """Sync every account in the background; `ask`: the user asked, so missing passwords are asked for."""
        if self.jobs.busy():
            return False
        accounts = sync.accounts()
        if not accounts:
            if ask:
                self.message.emit("No sync account yet: add one in Tools → Sync accounts.", 8000)
            return False
        missing = [account for account in accounts if not self.password(account)]
        if ask:
            for account in missing:
                self.ask_password(account)
        elif missing and len(missing) == len(accounts):
            self.message.emit("Sync needs your password: press F5.", 0)
            return False
        self.after_change.stop()
        self._again = False
        self.started.emit()
        self.message.emit("Syncing…", 0)
        password = self.password
        self.jobs.run(lambda _progress, _cancelled: sync.sync_all(password=password), self._done, self._failed)
        return True

    def _done(self, result: object) -> None:
        report = typing.cast(sync.Report, result)
        moved = report.pulled + report.pushed + report.deleted_here + report.deleted_there
        self.other_hosts = dict(report.other_hosts)
        if report.other_hosts:
            host = urlsplit(f"//{report.other_hosts[0][1]}").hostname
            self.message.emit(f"Sync waits for you: your server now sends Rapport to {host}. Allow it in"
                              " Tools → Sync accounts.", 0)
        elif report.unreachable:
            self.message.emit(f"Offline: {report.errors[0] if report.errors else 'the server does not answer'}."
                              " Your changes stay here and go at the next sync.", 0)
        elif report.errors:
            self.message.emit(f"Synced, with {len(report.errors)} problem(s): {report.errors[0]}", 15000)
        else:
            conflicts = (f", {report.conflicts} conflict(s) to settle in Tools → Sync conflicts" if report.conflicts
                         else "")
            self.message.emit(f"Synced: {report.pulled} in, {report.pushed} out{conflicts}." if moved or conflicts
                              else "Synced: nothing changed.", 8000)
        self.finished.emit(report)
        if self._again:
            self._again = False
            self.after_change.start(DEBOUNCE_MS)

    def _failed(self, message: str) -> None:
        self.message.emit(f"Sync stopped: {message}" if message else "Sync stopped.", 15000)
        self.finished.emit(sync.Report(errors=[message or "stopped"]))


class AddAccountDialog(QDialog):
    """A server, a user and a password: the address book and the calendar are found (or made)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a sync account")
        self.url = QLineEdit()
        self.url.setPlaceholderText("example.org, your email address, or https://dav.example.org/")
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.allow_http = QCheckBox("Send the password unencrypted (http://): only on a network you trust")
        self.allow_http.hide()
        self.url.textChanged.connect(
            lambda text: self.allow_http.setVisible(text.strip().lower().startswith("http://")))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: palette(highlight)")
        form = QFormLayout(self)
        form.addRow("Server", self.url)
        form.addRow("User name", self.user)
        form.addRow("Password", self.password)
        form.addRow(self.allow_http)
        if not sync.has_keyring():
            note = QLabel("This system has no keyring: Rapport keeps the password only until you quit, and asks"
                          " again next time.")
            note.setWordWrap(True)
            form.addRow(note)
        form.addRow(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add")
        buttons.accepted.connect(self.add)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.account: sync.Account | None = None
        self.secret = ""

    def add(self) -> None:
        url, user, password = self.url.text().strip(), self.user.text().strip(), self.password.text()
        if not (url and user and password):
            self.problem.setText("A server, a user name and a password, please.")
            return
        allow = self.allow_http.isChecked()
        trusted: list[str] = []
        while True:
            try:
                found = run_in_background(self, f"Finding your address book and calendar at {url}…",
                                          functools.partial(_add, url, user, password, allow, tuple(trusted)))
            except BackgroundError as error:
                self.problem.setText(str(error))
                return
            if not isinstance(found, dav.OtherHost):
                break
            if found.host in trusted or not allow_other_host(self, url, found.host):
                self.problem.setText(f"{found}.")
                return
            trusted.append(found.host)
        self.account = typing.cast(sync.Account, found)
        self.secret = password
        self.accept()


def _add(url: str, user: str, password: str, allow_http: bool, trusted: tuple[str, ...]) -> object:
    """The account, or the other host the server sends Rapport to (for the user to agree to)."""
    try:
        return sync.add_account(url, user, password, allow_http, trusted)
    except dav.OtherHost as error:
        return error


def allow_other_host(parent: QWidget, server: str, host: str) -> bool:
    """Ask before the password goes to a host the user did not name (RFC 6764 6)."""
    named = urlsplit(server if "://" in server else f"//{server}").hostname or server
    shown = urlsplit(f"//{host}").hostname or host
    box = QMessageBox(QMessageBox.Icon.Question, "Another server",
                      f"{named} sends Rapport to {shown} for your address book and calendar.", parent=parent)
    box.setInformativeText(f"Send your user name and password to {shown}? Allow it only if {shown} is your"
                           " provider's server (a domain often sends its mail and contacts to its host's).")
    allow = box.addButton(f"Allow {shown}", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is allow


class SyncAccountsDialog(QDialog):
    """Tools → Sync accounts: the servers this notebook syncs with, and how often."""

    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sync accounts")
        self.resize(760, 360)
        self.controller = controller
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Server", "User", "Address book · calendar", "Last synced",
                                              "Last problem"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.empty = QLabel("No account yet. Add the CardDAV/CalDAV server your phone syncs with (Nextcloud, iCloud,"
                            " Fastmail, mailbox.org, Radicale…): your people and meetings then stay in step.")
        self.empty.setWordWrap(True)
        self.add_button = QPushButton("Add…")
        self.add_button.clicked.connect(self.add_account)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove_account)
        self.allow_button = QPushButton("Allow the new server…")
        self.allow_button.setToolTip("The server sends Rapport to another host: allow it to get your password")
        self.allow_button.clicked.connect(self.allow_other_host)
        self.sync_button = QPushButton("Sync now")
        self.sync_button.clicked.connect(lambda: self.controller.sync_now(ask=True))
        self.minutes = QSpinBox()
        self.minutes.setRange(0, 24 * 60)
        self.minutes.setSuffix(" min")
        self.minutes.setSpecialValueText("never")
        self.minutes.setValue(controller.minutes())
        self.minutes.valueChanged.connect(controller.set_minutes)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.sync_button, self.allow_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("Sync every"))
        buttons.addWidget(self.minutes)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(close)
        controller.started.connect(self.refresh)
        controller.finished.connect(lambda _report: self.refresh())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.refresh()

    def refresh(self) -> None:
        self.accounts = sync.accounts()
        self.table.setRowCount(len(self.accounts))
        for row, account in enumerate(self.accounts):
            synced = (history.describe_ago(history.parse_stamp(account.last_synced)) if account.last_synced
                      else "not yet")
            if self.controller.busy():
                synced = "syncing…"
            collections = f"{_last_part(account.address_book)} · {_last_part(account.calendar)}"
            texts = [_host(account), account.user, collections, synced, account.last_error or "none"]
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.empty.setVisible(not self.accounts)
        self.sync_button.setEnabled(bool(self.accounts) and not self.controller.busy())
        self._selection_changed()

    def _selection_changed(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.remove_button.setEnabled(bool(rows))
        waiting = [account for account in self.accounts if account.id in self.controller.other_hosts]
        self.allow_button.setVisible(bool(waiting))
        selected = self.accounts[rows[0].row()] if rows else None
        self.allow_button.setEnabled(len(waiting) == 1 or selected in waiting)

    def allow_other_host(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        waiting = [account for account in self.accounts if account.id in self.controller.other_hosts]
        account = self.accounts[rows[0].row()] if rows else waiting[0] if len(waiting) == 1 else None
        if account is None or account.id not in self.controller.other_hosts:
            return
        host = self.controller.other_hosts[account.id]
        if allow_other_host(self, account.url, host):
            sync.trust_host(account.id, host)
            del self.controller.other_hosts[account.id]
            self.refresh()
            self.controller.sync_now(ask=True)

    def add_account(self) -> None:
        dialog = AddAccountDialog(self)
        if dialog.exec() and dialog.account is not None:
            if not sync.remember_password(dialog.account, dialog.secret):
                self.controller.passwords[dialog.account.id] = dialog.secret
            self.refresh()
            self.controller.sync_now()

    def remove_account(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        account = self.accounts[rows[0].row()]
        answer = QMessageBox.question(
            self, "Remove account", f"Stop syncing with {account.user} at {_host(account)}?\n\nYour people and"
            " meetings stay in this notebook and on the server.")
        if answer == QMessageBox.StandardButton.Yes:
            sync.remove_account(account.id)
            self.controller.passwords.pop(account.id, None)
            self.refresh()


def _last_part(href: str) -> str:
    parts = [part for part in href.split("/") if part]
    return parts[-1] if parts else "–"


class ConflictsDialog(QDialog):
    """Tools → Sync conflicts: each field changed differently here and on the server, the person
    shown both ways side by side (as the import's merge view does); keep this notebook's value or
    take the server's. Until then both are kept."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sync conflicts")
        self.resize(820, 480)
        self.list = QListWidget()
        self.detail = QTextBrowser()
        self.keep_button = QPushButton("Keep mine")
        self.take_button = QPushButton("Take the server's")
        self.keep_button.clicked.connect(lambda: self.settle(take_theirs=False))
        self.take_button.clicked.connect(lambda: self.settle(take_theirs=True))
        self.empty = QLabel("No conflicts: every change made on both sides has merged.")
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.take_button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        panes = QHBoxLayout()
        panes.addWidget(self.list, 1)
        panes.addWidget(self.detail, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addLayout(panes)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.list.currentRowChanged.connect(self._show)
        self.settled = 0
        self.refresh()

    def refresh(self) -> None:
        self.conflicts = sync.conflicts()
        names = {record.id: record.display_name for record in contacts.get_contacts(
            sorted({conflict.contact_id for conflict in self.conflicts}))}
        self.list.clear()
        for conflict in self.conflicts:
            self.list.addItem(f"{names.get(conflict.contact_id, '?')}: {conflict.caption}")
        self.empty.setVisible(not self.conflicts)
        if self.conflicts:
            self.list.setCurrentRow(0)
        self._show(self.list.currentRow())

    def _show(self, row: int) -> None:
        from gui.import_dialog import side_by_side

        valid = 0 <= row < len(self.conflicts)
        self.keep_button.setEnabled(valid)
        self.take_button.setEnabled(valid)
        if not valid:
            self.detail.clear()
            return
        conflict = self.conflicts[row]
        record = contacts.get_contact(conflict.contact_id)
        if record is None:
            self.detail.clear()
            return
        self.detail.setHtml(f"<p>The <b>{conflict.caption}</b> changed here and on the server.</p>"
                            + side_by_side(("In this notebook", record),
                                           ("On the server", sync.with_theirs(record, conflict))))

    def settle(self, take_theirs: bool) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.conflicts):
            sync.resolve(self.conflicts[row].id, take_theirs)
            self.settled += 1
            self.refresh()


class UndoSyncDeletions(QUndoCommand):
    """What a sync deleted because another device did: Edit → Undo brings it back here (and the
    next sync sends it to the server again, as new)."""

    def __init__(self, deleted: list, count: int, changed) -> None:
        super().__init__(f"Deletion of {count} item(s) by another device")
        self._deleted, self._changed = deleted, changed
        self._first = True

    def redo(self) -> None:
        if self._first:  # the sync has deleted them already
            self._first = False
            return
        sync.delete_again(self._deleted)
        self._changed(None)

    def undo(self) -> None:
        sync.restore_deleted(self._deleted)
        self._changed(None)
