"""Tools → Channels: add, rename, hide and order the channels exchanges are logged on."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gui.widgets.channel_icon import channel_icon
from gui.widgets.layout import dialog_buttons
from model import history
from model.history import STEP_CHOICES, STEP_NAMES, HistoryError

_IdRole = Qt.UserRole + 1


class ChannelsDialog(QDialog):
    """Each change is saved at once; a channel with history is never deleted without a new home."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Channels")
        self.list = QListWidget()
        self.list.setAccessibleName("Channels")
        self.list.setDragDropMode(QListWidget.InternalMove)
        self.list.model().rowsMoved.connect(self._save_order)
        self.list.itemChanged.connect(self._hidden_changed)
        explanation = QLabel("Unticked channels are hidden when you log; their history stays. "
                             "Drag to reorder.")
        explanation.setWordWrap(True)
        buttons = QVBoxLayout()
        for text, slot in [("Add…", self.add), ("Rename…", self.rename), ("Up", lambda: self.move(-1)),
                           ("Down", lambda: self.move(1)), ("Delete…", self.delete)]:
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(buttons)
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(row)
        layout.addWidget(close)
        self.resize(440, 460)
        self.reload()

    def reload(self, select: int | None = None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for channel in history.channels(include_hidden=True, with_uses=True):
            uses = f", {channel.uses} logged" if channel.uses else ""
            item = QListWidgetItem(channel_icon(channel.key, channel.name),
                                   f"{channel.name}  ({STEP_NAMES[channel.step].lower()}{uses})")
            item.setData(_IdRole, channel.id)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable | Qt.ItemIsDragEnabled)
            item.setCheckState(Qt.Unchecked if channel.hidden else Qt.Checked)
            self.list.addItem(item)
            if channel.id == select:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def _current(self) -> history.ChannelRecord | None:
        item = self.list.currentItem()
        if item is None:
            return None
        wanted = item.data(_IdRole)
        return next((c for c in history.channels(include_hidden=True, with_uses=True) if c.id == wanted), None)

    def _hidden_changed(self, item: QListWidgetItem) -> None:
        history.set_channel_hidden(item.data(_IdRole), item.checkState() != Qt.Checked)

    def _save_order(self) -> None:
        history.order_channels([self.list.item(n).data(_IdRole) for n in range(self.list.count())])

    def add(self) -> None:
        name, ok = QInputDialog.getText(self, "Add a channel", "Name (for example Discord, or Conference app):")
        if not ok or not name.strip():
            return
        steps = [text for _, text in STEP_CHOICES]
        step_text, ok = QInputDialog.getItem(self, "Add a channel", "How close to offline is it?", steps, 0, False)
        if not ok:
            return
        try:
            channel_id = history.add_channel(name, STEP_CHOICES[steps.index(step_text)][0])
        except HistoryError as error:
            QMessageBox.warning(self, "Add a channel", str(error))
            return
        self.reload(select=channel_id)

    def rename(self) -> None:
        channel = self._current()
        if channel is None:
            return
        name, ok = QInputDialog.getText(self, "Rename channel", "New name:", text=channel.name)
        if ok and name.strip():
            history.rename_channel(channel.id, name)
            self.reload(select=channel.id)

    def move(self, by: int) -> None:
        row = self.list.currentRow()
        if row < 0 or not 0 <= row + by < self.list.count():
            return
        ids = [self.list.item(n).data(_IdRole) for n in range(self.list.count())]
        ids.insert(row + by, ids.pop(row))
        history.order_channels(ids)
        self.reload(select=ids[row + by])

    def delete(self) -> None:
        channel = self._current()
        if channel is None:
            return
        move_to = None
        if channel.uses:
            others = [c for c in history.channels(include_hidden=True, with_uses=True) if c.id != channel.id]
            picker = QDialog(self)
            picker.setWindowTitle("Delete channel")
            box = QComboBox()
            for other in others:
                box.addItem(channel_icon(other.key, other.name), other.name, other.id)
            box.setCurrentIndex(max(0, box.findText("Other")))
            text = QLabel(f"{channel.name} holds {channel.uses} logged exchanges. Move them to:")
            text.setTextFormat(Qt.PlainText)  # a channel's name is the user's
            text.setWordWrap(True)
            buttons = dialog_buttons(picker, "Move and delete")
            layout = QVBoxLayout(picker)
            for widget in (text, box, buttons):
                layout.addWidget(widget)
            if not picker.exec():
                return
            move_to = box.currentData()
        elif QMessageBox.question(self, "Delete channel", f"Delete the channel {channel.name}?") != QMessageBox.Yes:
            return
        history.delete_channel(channel.id, move_to)
        self.reload()
