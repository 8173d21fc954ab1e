"""Importing history exports through the window: the plan, person by person, before anything is written.

The files are read on a worker thread. The plan lists each person found: whom in the notebook
they are and why ("same phone +1 912 555 0123", "same name") or new, their channels, how many
messages are new, and the first and last date. The user can leave a person out, match them to
someone else (type a name), or merge two rows; the questions a file could not settle alone
(which date order, which sender is the user) are shown above the table. Import writes it all in
one transaction, off the UI thread; Edit → Undo takes it back.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.widgets.person_field import PersonField
from gui.widgets.worker import Jobs
from model import clock, contacts, exchange_import, history, preferences
from model.exchange_import import Applied, HistoryPlan

COLUMNS = ["Import", "Person", "In your notebook", "Channels", "New", "First", "Last"]


class HistoryImportDialog(QDialog):
    imported = Signal(object)  # (the plan, what was written, whether message text was kept)

    def __init__(self, paths: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import history")
        self.resize(900, 560)
        self.paths = paths
        self.plan: HistoryPlan | None = None
        self.jobs = Jobs(self)
        self._channel_names: dict[str, str] = {}
        self._streamed: list[tuple[bool, list[str]]] | None = None  # the rows so far, set by the worker's thread
        self._snapshot_at = 0.0
        self.status = QLabel("Reading…")
        self.status.setWordWrap(True)
        self.questions = QLabel()
        self.questions.setWordWrap(True)
        self.questions.setTextFormat(Qt.TextFormat.RichText)
        # The user's answers to what a chat could not settle alone, per file; Read again applies them.
        self.day_first: dict[str, bool] = {}
        self.me: dict[str, str] = {}
        self.answers = QWidget()
        self.answers_form = QFormLayout(self.answers)
        self.answers_form.setContentsMargins(0, 0, 0, 0)
        self.read_again = QPushButton("Read again with these answers")
        self.read_again.clicked.connect(self._read_again)
        again = QHBoxLayout()
        again.addWidget(self.read_again)
        again.addStretch(1)
        self.answers_form.addRow(again)
        self.answers.hide()
        self.progress = QProgressBar()
        self.jobs.progress.connect(self._show_progress)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(self._include_changed)
        self.match = PersonField("Match the selected person to someone in your notebook…")
        self.match.picked.connect(self._repoint)
        self.new_button = QPushButton("Make a new person")
        self.new_button.clicked.connect(lambda: self._repoint(None, ""))
        self.merge_button = QPushButton("Merge selected")
        self.merge_button.setToolTip("The selected rows are one person: their history goes together")
        self.merge_button.clicked.connect(self._merge_selected)
        self.keep_text = QCheckBox("Keep a one-line summary of each message (the first line, up to 120 characters)")
        self.keep_text.setChecked(preferences.current().keep_text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.apply)
        buttons.rejected.connect(self.reject)
        tools = QHBoxLayout()
        tools.addWidget(self.match, 1)
        tools.addWidget(self.new_button)
        tools.addWidget(self.merge_button)
        layout = QVBoxLayout(self)
        for widget in (self.status, self.questions, self.answers, self.progress, self.table):
            layout.addWidget(widget)
        layout.addLayout(tools)
        layout.addWidget(self.keep_text)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self._selection_changed()

    # -- Reading

    def start(self) -> None:
        paths, day_first, me = self.paths, dict(self.day_first), dict(self.me)
        self.import_button.setEnabled(False)
        self.progress.show()
        self._channel_names = {channel.key: channel.name for channel in history.channels(include_hidden=True)}
        self._streamed = None
        self._snapshot_at = 0.0
        snapshot = self._snapshot

        def read(progress, cancelled) -> HistoryPlan:
            def each(plan: HistoryPlan) -> None:
                if snapshot(plan):
                    progress(-1, -1)  # no news of the bytes read: new rows to show

            return exchange_import.read_plan(paths, progress, day_first, me, cancelled, each)

        self._run(read, self._show_plan)

    def _run(self, job, on_done) -> None:
        self.jobs.run(job, on_done, self._worker_failed)

    def _worker_failed(self, message: str) -> None:
        self.status.setText(f"Nothing was imported: {message}" if message else "Cancelled; nothing was imported.")
        self.progress.hide()

    def _show_progress(self, done: int, total: int) -> None:
        if total >= 0:
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(done)
        streamed, self._streamed = self._streamed, None
        if streamed is not None:
            self._show_rows(streamed, final=False)
            self.status.setText(f"Reading… {len(streamed)} people so far")

    def planned(self) -> bool:
        return self.plan is not None and not self.jobs.busy()

    def _show_plan(self, plan: HistoryPlan) -> None:
        self.plan = plan
        self.progress.hide()
        self._fill()
        notes = [f"<b>{_short(q['file'])}</b>: {q['question']}" for q in plan.summary()["questions"]]
        notes += [f"<b>{_short(file)}</b>, line {line}: {reason}" for file, line, reason in plan.rejected]
        self.questions.setText("<br>".join(notes))
        self.questions.setVisible(bool(notes))
        self._ask(plan)
        self.import_button.setEnabled(bool(plan.people))
        self.import_button.setDefault(self.import_button.isEnabled())  # Return imports, not Cancel

    def _ask(self, plan: HistoryPlan) -> None:
        """A row of choices for each chat whose date order or whose user the plan had to guess."""
        while self.answers_form.rowCount() > 1:
            self.answers_form.removeRow(0)
        asked = [found for found in plan.found if found.question or found.file in self.day_first
                 or found.file in self.me]
        for found in asked:
            row = QHBoxLayout()
            if found.day_first is not None:
                order = QComboBox()
                order.addItem("Dates are day/month", True)
                order.addItem("Dates are month/day", False)
                order.setCurrentIndex(0 if found.day_first else 1)
                order.currentIndexChanged.connect(
                    lambda _index, file=found.file, box=order: self.day_first.__setitem__(file, box.currentData()))
                row.addWidget(order)
            if len(found.senders) == 2:
                me = QComboBox()
                for sender in found.senders:
                    me.addItem(f"I am {sender}", sender)
                me.setCurrentIndex(max(0, me.findData(found.me)))
                me.currentIndexChanged.connect(
                    lambda _index, file=found.file, box=me: self.me.__setitem__(file, box.currentData()))
                row.addWidget(me)
            row.addStretch(1)
            self.answers_form.insertRow(self.answers_form.rowCount() - 1, _short(found.file), row)
        self.answers.setVisible(bool(asked))

    def _read_again(self) -> None:
        self.status.setText("Reading again…")
        self.start()

    def _snapshot(self, plan: HistoryPlan) -> bool:
        """On the worker's thread, after each file: the rows so far, at most four times a second."""
        if time.monotonic() - self._snapshot_at < 0.25:
            return False
        self._snapshot_at = time.monotonic()
        self._streamed = rows_of(plan, self._channel_names)
        return True

    def _show_rows(self, rows: list[tuple[bool, list[str]]], final: bool) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        flags = Qt.ItemFlag.ItemIsSelectable | (Qt.ItemFlag.ItemIsEnabled if final else Qt.ItemFlag.NoItemFlags)
        for row, (included, texts) in enumerate(rows):
            include = QTableWidgetItem()
            include.setFlags(flags | Qt.ItemFlag.ItemIsUserCheckable)
            include.setCheckState(Qt.CheckState.Checked if included else Qt.CheckState.Unchecked)
            self.table.setItem(row, 0, include)
            for column, text in enumerate(texts, start=1):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)

    def _fill(self) -> None:
        plan = self.plan
        assert plan is not None
        self._show_rows(rows_of(plan, self._channel_names), final=True)
        summary = plan.summary()
        self.status.setText(
            f"{summary['files']} file(s): {summary['exchanges_new']} new exchange(s) "
            f"({summary['exchanges_unchanged']} already in your notebook), {summary['people_matched']} "
            f"people matched, {summary['people_new']} new, {summary['people_left_out']} left out.")

    # -- The user's decisions

    def _selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.table.selectionModel().selectedRows()})

    def _selection_changed(self) -> None:
        rows = self._selected_rows()
        self.match.setEnabled(len(rows) == 1)
        self.new_button.setEnabled(len(rows) == 1)
        self.merge_button.setEnabled(len(rows) > 1)

    def _include_changed(self, item: QTableWidgetItem) -> None:
        if self.plan is None or item.column() != 0:
            return
        self.plan.leave_out(item.row(), item.checkState() != Qt.CheckState.Checked)
        self._fill()

    def repoint(self, row: int, contact_id: int | None) -> None:
        """Match the person in `row` to `contact_id` (None: a new person)."""
        assert self.plan is not None
        self.plan.repoint(row, contact_id)
        self._fill()
        self.table.selectRow(row)

    def _repoint(self, contact_id: int | None, _name: str) -> None:
        rows = self._selected_rows()
        if len(rows) == 1:
            self.repoint(rows[0], contact_id)
            self.match.clear()

    def _merge_selected(self) -> None:
        rows = self._selected_rows()
        assert self.plan is not None
        for other in reversed(rows[1:]):
            self.plan.merge(rows[0], other)
        self._fill()
        self.table.selectRow(rows[0])

    # -- Writing

    def apply(self) -> None:
        assert self.plan is not None
        keep = self.keep_text.isChecked()
        if keep != preferences.current().keep_text:  # the choice made here is the next one's default
            preferences.save(dataclasses.replace(preferences.current(), keep_text=keep))
        self.import_button.setEnabled(False)
        self.status.setText("Importing…")
        plan = self.plan
        self._run(lambda progress, _cancelled: exchange_import.apply_plan(plan, keep, progress), self._applied)

    def _applied(self, applied: Applied) -> None:
        self.imported.emit((self.plan, applied, self.keep_text.isChecked()))
        self.accept()

    def reject(self) -> None:
        self.jobs.cancel(wait=True)
        super().reject()


def rows_of(plan: HistoryPlan, channel_names: dict[str, str]) -> list[tuple[bool, list[str]]]:
    """The table's rows: (included, the texts of the columns after the checkbox)."""
    rows = []
    names = {row.id: row.display_name for row in contacts.rows_for(
        sorted({person.match_id for person in plan.people if person.match_id is not None}))}  # in one query
    for person in plan.people:
        match = ("New person" if person.match_id is None
                 else f"{names.get(person.match_id, '?')} ({person.reason})")
        channels = ", ".join(channel_names.get(key, key) for key in person.channels) or "no history (a connection)"
        new = f"{person.new_messages} of {person.messages}" if person.messages else "–"
        first, last = person.first, person.last
        rows.append((person.include, [person.name, match, channels, new,
                                      f"{clock.local(first):%d %b %Y}".lstrip("0") if first else "",
                                      f"{clock.local(last):%d %b %Y}".lstrip("0") if last else ""]))
    return rows


def _short(file: str) -> str:
    return Path(file.split("!")[0]).name + (f" ▸ {file.split('!', 1)[1]}" if "!" in file else "")


class ImportHistory(QUndoCommand):
    """An import of history exports, done by the dialog; undone and redone as a whole."""

    def __init__(self, plan: HistoryPlan, applied: Applied, keep_text: bool, changed) -> None:
        super().__init__(f"Import {applied.exchanges} exchange(s)")
        self._plan, self._applied, self._keep_text, self._changed = plan, applied, keep_text, changed
        self._first = True

    def redo(self) -> None:
        if self._first:  # the dialog has written it already
            self._first = False
            return
        self._applied = exchange_import.apply_plan(self._plan, self._keep_text)
        self._changed(None)

    def undo(self) -> None:
        exchange_import.undo_import(self._applied)
        self._changed(None)
