"""Tools → Find duplicates: pairs of people who are probably one person, side by side, to merge
(into either one) or leave as they are. Each merge is undoable from the window."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from gui.import_dialog import side_by_side
from gui.widgets.worker import run_in_background
from model import contacts, duplicates


class DuplicatesDialog(QDialog):
    """`merge_requested(keep_id, other_id)` asks the window to merge (so that it can be undone)."""

    merge_requested = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Find duplicates")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.pairs = QListWidget()
        self.pairs.setAccessibleName("Possible duplicates")
        self.view = QTextBrowser()
        self.view.setOpenLinks(False)
        self.keep_first = QPushButton("Merge into the left one")
        self.keep_second = QPushButton("Merge into the right one")
        self.skip = QPushButton("Not the same person")
        self.keep_first.setToolTip("Keep the left person; everything from the right one is added to them")
        self.keep_first.clicked.connect(lambda: self._merge(first=True))
        self.keep_second.clicked.connect(lambda: self._merge(first=False))
        self.skip.clicked.connect(self._skip)
        buttons = QHBoxLayout()
        buttons.addWidget(self.skip)
        buttons.addStretch(1)
        buttons.addWidget(self.keep_second)
        buttons.addWidget(self.keep_first)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.view, 1)
        column.addLayout(buttons)
        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(self.pairs)
        splitter.addWidget(right)
        splitter.setSizes([260, 560])
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        layout.addWidget(close)
        self.resize(900, 560)
        self.pairs.currentItemChanged.connect(self._show)
        self.refresh()

    def refresh(self) -> None:
        """Look again (after a merge or an undo)."""
        found = run_in_background(self, "Looking for duplicates…", duplicates.find_duplicates)
        names = {row.id: row.display_name for row in contacts.rows_for(
            sorted({i for p in found for i in (p.first_id, p.second_id)}))}
        self.pairs.clear()
        for pair in found:
            if pair.first_id in names and pair.second_id in names:
                item = QListWidgetItem(f"{names[pair.first_id]} · {names[pair.second_id]}\n{pair.reason}")
                item.setData(Qt.UserRole, pair)
                self.pairs.addItem(item)
        count = self.pairs.count()
        self.summary.setText(f"{count} pair{'s' if count != 1 else ''} of people who may be the same person. "
                             "A merge keeps every phone, email and note, and moves history, prep and meetings; "
                             "Edit → Undo takes it back." if count else "No duplicates found.")
        if count:
            self.pairs.setCurrentRow(0)
        self._show()

    def current_pair(self) -> duplicates.DuplicatePair | None:
        item = self.pairs.currentItem()
        return item.data(Qt.UserRole) if item else None

    def _show(self, *_args) -> None:
        pair = self.current_pair()
        for button in (self.keep_first, self.keep_second, self.skip):
            button.setEnabled(pair is not None)
        if pair is None:
            self.view.clear()
            return
        first, second = contacts.get_contact(pair.first_id), contacts.get_contact(pair.second_id)
        self.view.setHtml(f"<p style='color:gray'>{pair.reason.capitalize()}</p>"
                          + side_by_side(("Left", first), ("Right", second)))

    def _merge(self, first: bool) -> None:
        pair = self.current_pair()
        if pair is not None:
            keep, other = (pair.first_id, pair.second_id) if first else (pair.second_id, pair.first_id)
            self.merge_requested.emit(keep, other)
            self.refresh()

    def _skip(self) -> None:
        row = self.pairs.currentRow()
        if row >= 0:
            self.pairs.takeItem(row)
            self._show()
