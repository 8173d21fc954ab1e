"""The import dialog: read vCards into a plan off the UI thread, show it, apply it on confirm."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gui.widgets.worker import Jobs
from model import contacts, importer
from model.importer import ImportPlan, PlanItem

OUTCOME_TEXT = {importer.NEW: "New", importer.UPDATE: "Same person: update", importer.UNCHANGED: "Unchanged",
                importer.DUPLICATE: "Possible duplicate", importer.REJECTED: "Cannot be read"}
CHOICES = [(importer.KEEP_BOTH, "Keep both"), (importer.MERGE, "Merge into the existing person"),
           (importer.SKIP, "Skip this card")]


class PlanModel(QAbstractTableModel):
    """The plan's cards as rows: what happens, who, details, where in which file."""

    HEADERS = ["What happens", "Name", "Details", "File and line"]

    def __init__(self, plan: ImportPlan, parent=None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.shown = 0  # the plan grows while the files are read; rows are added on the UI thread

    def rowCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else self.shown

    def grow(self) -> None:
        """Show the cards planned since the last call."""
        planned = len(self.plan.items)
        if planned > self.shown:
            self.beginInsertRows(QModelIndex(), self.shown, planned - 1)
            self.shown = planned
            self.endInsertRows()

    def refresh(self) -> None:
        """Show the rows as the finished plan has them (a later card may have changed an earlier one)."""
        self.grow()
        if self.shown:
            self.dataChanged.emit(self.index(0, 0), self.index(self.shown - 1, self.columnCount() - 1))

    def columnCount(self, parent=None) -> int:
        return len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        item = self.plan.items[index.row()]
        if role == Qt.UserRole:
            return item.outcome
        if role not in (Qt.DisplayRole, Qt.ToolTipRole):
            return None
        column = index.column()
        if column == 0:
            text = OUTCOME_TEXT[item.outcome]
            return f"{text} ({dict(CHOICES)[item.choice].lower()})" if item.outcome == importer.DUPLICATE else text
        if column == 1:
            return item.name
        if column == 2:
            if item.outcome == importer.REJECTED:
                return item.reason
            details = " ".join(("adds " + ", ".join(item.changes)).split()) if item.outcome == importer.UPDATE else ""
            if item.warnings:  # what was left out of the card, line by line
                left_out = "; ".join(f"line {line}: {warning}" for line, warning in item.warnings)
                details = f"{details}; {left_out}" if details else left_out
            return details
        return f"{Path(item.file).name}, line {item.line}"

    def refresh_row(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))


class MiddleElided(QStyledItemDelegate):
    """Cuts a long file name in its middle, so the line number at its end stays in sight."""

    def initStyleOption(self, option, index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.ElideMiddle


class ImportDialog(QDialog):
    """Shows what importing files would do, and does it when the user confirms."""

    imported = Signal(object)  # the ImportResult

    def __init__(self, paths: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import contacts")
        self.paths = paths
        self.plan: ImportPlan | None = None
        self._reading = False  # the files are being read into the plan
        self.jobs = Jobs(self)
        self.jobs.progress.connect(self._show_progress)

        # Reading: a progress bar and a cancel button.
        self.status = QLabel(f"Reading {len(paths)} file(s)…")
        self.progress = QProgressBar()
        reading = QWidget()
        reading_layout = QVBoxLayout(reading)
        reading_layout.addStretch(1)
        reading_layout.addWidget(self.status)
        reading_layout.addWidget(self.progress)
        reading_layout.addStretch(1)

        # The plan: counts, a filter, the cards, and the selected card in detail. Rows appear
        # while a big file is still being read, with a progress bar beside the counts.
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.counts.setMinimumHeight(2 * self.counts.fontMetrics().lineSpacing())  # a wrapped line is never cut
        self.reading_progress = QProgressBar()
        self.reading_progress.setMaximumWidth(180)
        self.filter = QComboBox()
        self.filter.addItem("All cards", "")
        for outcome, text in OUTCOME_TEXT.items():
            self.filter.addItem(text, outcome)
        self.table = QTableView()
        self._middle_elided = MiddleElided(self.table)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setFilterRole(Qt.UserRole)
        self.proxy.setFilterKeyColumn(0)
        self.detail = QTextBrowser()
        self.choice = QComboBox()
        for key, text in CHOICES:
            self.choice.addItem(text, key)
        self.choice.setToolTip("What to do with this possible duplicate")
        detail_box = QWidget()
        detail_layout = QVBoxLayout(detail_box)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.choice)
        detail_layout.addWidget(self.detail)
        splitter = QSplitter(Qt.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(detail_box)
        splitter.setSizes([320, 200])
        planned = QWidget()
        planned_layout = QVBoxLayout(planned)
        top = QHBoxLayout()
        top.addWidget(self.counts, 1)
        top.addWidget(self.reading_progress)
        top.addWidget(self.filter)
        planned_layout.addLayout(top)
        planned_layout.addWidget(splitter, 1)

        self.pages = QStackedWidget()
        self.pages.addWidget(reading)
        self.pages.addWidget(planned)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.AcceptRole)
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.buttons)
        self.resize(860, 600)
        self.filter.currentIndexChanged.connect(lambda: self.proxy.setFilterFixedString(self.filter.currentData()))
        self.choice.currentIndexChanged.connect(self._choice_changed)

    # -- Work off the UI thread ---------------------------------------------------------

    def start(self) -> None:
        """Begin reading the files; the plan's rows appear as the cards are planned."""
        planner = importer.Planner(self.paths)
        self.plan = planner.plan
        self._reading = True
        self.model = PlanModel(self.plan, self)
        self.proxy.setSourceModel(self.model)
        self.table.setModel(self.proxy)
        self.table.selectionModel().currentRowChanged.connect(self._show_item)

        def read(progress, cancelled) -> ImportPlan:
            for _rows in planner.run(progress, cancelled):
                pass
            return planner.plan

        self._run(read, self._show_plan)

    def _run(self, job, on_done) -> None:
        self.jobs.run(job, on_done, self._failed)

    def planned(self) -> bool:
        """Whether every card has been read and planned (the Import button can be used)."""
        return self.plan is not None and not self._reading and not self.busy()

    def busy(self) -> bool:
        return self.jobs.busy()

    def _show_progress(self, done: int, total: int) -> None:
        for bar in (self.progress, self.reading_progress):
            bar.setMaximum(max(total, 1))
            bar.setValue(done)
        if self._reading:
            self._show_rows()

    def _show_rows(self) -> None:
        """Rows planned so far (the plan page shows from the first of them on)."""
        first = self.model.shown == 0
        self.model.grow()
        if first and self.model.shown:
            self._lay_out_table()
            self.counts.setText(f"<b>Reading…</b> {self.model.shown:,} cards so far")
            self.pages.setCurrentIndex(1)
            self.table.selectRow(0)
            self._show_item(self.proxy.index(0, 0))
        elif self.model.shown:
            self.counts.setText(f"<b>Reading…</b> {self.model.shown:,} cards so far")

    def _failed(self, message: str) -> None:
        if message:
            self.status.setText(f"The import stopped: {message}\nNothing was changed.")
            self.pages.setCurrentIndex(0)
        else:
            super().reject()

    def reject(self) -> None:
        if self.busy():
            self.jobs.cancel()  # the worker stops and rolls back, then closes us
            self.status.setText("Stopping…")
            return
        super().reject()

    def closeEvent(self, event) -> None:
        self.jobs.cancel(wait=True)
        super().closeEvent(event)

    # -- The plan -----------------------------------------------------------------------

    def _lay_out_table(self) -> None:
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(2, QHeaderView.Stretch)  # what changes: the column that matters
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(3)
        width = self.table.viewport().width()
        self.table.setColumnWidth(1, min(200, width // 5))
        self.table.setColumnWidth(3, min(self.table.columnWidth(3), width // 4))
        self.table.setItemDelegateForColumn(3, self._middle_elided)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)

    def _show_plan(self, plan: ImportPlan) -> None:
        """Every card is planned: the counts, and the Import button."""
        self._show_rows()
        self._reading = False
        self.model.refresh()
        self.reading_progress.hide()
        summary = plan.summary()
        parts = [f"{summary['new']:,} new", f"{summary['updated']:,} update someone",
                 f"{summary['unchanged']:,} unchanged", f"{summary['possible_duplicates']:,} possible duplicates",
                 f"{len(summary['rejected']):,} unreadable"]
        if summary["warnings"]:
            parts.append(f"{len(summary['warnings']):,} line{'s' if len(summary['warnings']) != 1 else ''} left out")
        files = summary["files"]
        self.counts.setText(f"<b>{plan.cards:,} cards in {files} file{'s' if files != 1 else ''}</b>: "
                            + " · ".join(parts))
        self.import_button.setEnabled(plan.cards > len(summary["rejected"]))
        self.import_button.setDefault(self.import_button.isEnabled())  # Return imports, not Cancel
        if self.pages.currentIndex() != 1:
            self._lay_out_table()
            self.pages.setCurrentIndex(1)
            self.table.selectRow(0)
        self._show_item(self.proxy.index(0, 0) if not self.table.currentIndex().isValid()
                        else self.table.currentIndex())

    def _current_item(self) -> tuple[int, PlanItem] | None:
        index = self.proxy.mapToSource(self.table.currentIndex())
        if not index.isValid():
            return None
        return index.row(), self.plan.items[index.row()]

    def _show_item(self, index: QModelIndex, _previous=None) -> None:
        current = self._current_item()
        if current is None:
            self.detail.clear()
            self.choice.hide()
            return
        row, item = current
        self.choice.setVisible(item.outcome == importer.DUPLICATE)
        self.choice.blockSignals(True)
        self.choice.setCurrentIndex(self.choice.findData(item.choice))
        self.choice.blockSignals(False)
        self.detail.setHtml(describe(item))

    def _choice_changed(self) -> None:
        current = self._current_item()
        if current is not None:
            row, item = current
            item.choice = self.choice.currentData()
            self.model.refresh_row(row)

    # -- Applying -----------------------------------------------------------------------

    def apply(self) -> None:
        self.import_button.setEnabled(False)
        self.status.setText("Importing…")
        self.progress.setValue(0)
        self.pages.setCurrentIndex(0)
        self._run(lambda progress, cancelled: importer.apply_plan(self.plan, progress, cancelled), self._applied)

    def _applied(self, result) -> None:
        self.imported.emit(result)
        self.accept()


def _fields(record: contacts.ContactRecord | None) -> list[tuple[str, str]]:
    if record is None:
        return []
    rows = [("Name", record.display_name), ("Organisation", " · ".join(
        part for part in (record.title, record.organisation) if part))]
    rows += [(p.label or (contacts.service_name(p.service) if p.kind == "handle" else p.kind), p.value)
             for p in record.points]
    rows += [("Birthday", record.birthday), ("Tags", ", ".join(record.tags)), ("Notes", record.notes[:300])]
    return [(caption, value) for caption, value in rows if value]


def describe(item: PlanItem) -> str:
    """The selected card as HTML: for an update or a duplicate, beside the existing person."""
    if item.outcome == importer.REJECTED:
        return (f"<p><b>{html.escape(Path(item.file).name)}, line {item.line}</b></p>"
                f"<p>{html.escape(item.reason)}</p><p>The other cards can still be imported.</p>")
    existing = contacts.get_contact(item.existing_id) if item.existing_id else None
    if item.same and existing is not None:
        return ("<p>The same card as an earlier import brought in, byte for byte: nothing new, so it was"
                " not read again.</p><h3>In your notebook</h3>" + fields_table(existing))

    happens = ""
    if item.outcome == importer.UPDATE and item.changes:
        happens += "<p><b>Adds</b></p><ul>" + "".join(f"<li>{html.escape(change)}</li>" for change in item.changes)
        happens += "</ul>"
    if item.warnings:
        happens += (f"<p><b>Left out of the card</b> ({html.escape(Path(item.file).name)})</p><ul>"
                    + "".join(f"<li>line {line}: {html.escape(warning)}</li>" for line, warning in item.warnings)
                    + "</ul>")
    if existing is None:
        return f"{happens}<h3>In the file</h3>{fields_table(item.record)}"
    return happens + side_by_side(("In your notebook", existing), ("In the file", item.record))


def fields_table(record: contacts.ContactRecord | None) -> str:
    """A person's fields as an HTML table of captions and values."""
    return "<table cellpadding='2'>" + "".join(
        f"<tr><td style='color:gray'>{html.escape(c)}</td><td>{html.escape(v).replace(chr(10), '<br>')}</td></tr>"
        for c, v in _fields(record)) + "</table>"


def side_by_side(left: tuple[str, contacts.ContactRecord], right: tuple[str, contacts.ContactRecord]) -> str:
    """Two people's fields in two columns, each under its title: the merge view."""
    return ("<table width='100%'><tr>" + "".join(
        f"<td width='50%' valign='top'><h3>{html.escape(title)}</h3>{fields_table(record)}</td>"
        for title, record in (left, right)) + "</tr></table>")
