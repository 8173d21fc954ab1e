"""A person's History tab: the relationship at a glance, then every exchange, newest first."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QModelIndex, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from gui.models.timeline_model import IdRole, TimelineModel
from gui.widgets.channel_icon import STEP_COLOURS, channel_colour, channel_icon, channel_pixmap
from gui.widgets.keys import claim_delete_key
from gui.widgets.palette import secondary_text, visible_on
from model import clock, history
from model.history import CADENCES, STEP_NAMES, HistorySummary


class StepLadder(QWidget):
    """Online → Emailed → Spoken → Met in person, filled up to the step reached."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step = -1
        self.setMinimumHeight(QFontMetrics(self.font()).height() + 24)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)

    def set_step(self, step: int) -> None:
        self.step = step
        self.setToolTip(STEP_NAMES[step])
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(360, self.minimumHeight())

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        names = [STEP_NAMES[n] for n in range(4)]
        width = self.width() - 2
        slot = width / 4
        dim = secondary_text(self.palette())
        y = 9
        for n in range(4):
            x = slot * n + slot / 2
            reached = n <= self.step
            colour = QColor(STEP_COLOURS[n]) if reached else dim
            if n:
                painter.setPen(QPen(QColor(STEP_COLOURS[n]) if reached else dim, 2))
                painter.drawLine(QPointF(x - slot + 8, y), QPointF(x - 8, y))
            painter.setPen(QPen(colour, 2))
            painter.setBrush(QBrush(colour) if reached else Qt.NoBrush)
            painter.drawEllipse(QPointF(x, y), 6, 6)
            font = QFont(self.font())
            font.setBold(n == self.step)
            painter.setFont(font)
            painter.setPen(self.palette().windowText().color() if reached else dim)
            painter.drawText(QRectF(x - slot / 2, y + 9, slot, self.height() - y - 9),
                             Qt.AlignHCenter | Qt.AlignTop, names[n])


class ChannelBars(QWidget):
    """How many exchanges on each channel, as short horizontal bars."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: list[tuple[str, str, int]] = []
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)

    def set_counts(self, counts: list[tuple[str, str, int]]) -> None:
        self.counts = counts[:6]
        self.setFixedHeight(max(1, len(self.counts)) * self._line())
        self.update()

    def _line(self) -> int:
        return max(20, QFontMetrics(self.font()).height() + 6)

    def paintEvent(self, _event) -> None:
        if not self.counts:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        metrics = QFontMetrics(self.font())
        label_width = max(metrics.horizontalAdvance(name) for _, name, _ in self.counts) + 26
        number_width = metrics.horizontalAdvance("9999") + 6
        most = max(n for _, _, n in self.counts)
        line = self._line()
        ratio = self.devicePixelRatioF()
        for row, (key, name, count) in enumerate(self.counts):
            top = row * line
            painter.drawPixmap(0, top + (line - 16) // 2, channel_pixmap(key, name, 16, ratio))
            painter.setPen(self.palette().windowText().color())
            painter.drawText(QRectF(22, top, label_width, line), Qt.AlignVCenter | Qt.AlignLeft, name)
            room = max(10, self.width() - label_width - number_width - 4)
            bar = QRectF(label_width, top + line * 0.25, max(3.0, room * count / most), line * 0.5)
            painter.setPen(Qt.NoPen)
            painter.setBrush(visible_on(channel_colour(key, name), self.palette().window().color()))
            painter.drawRoundedRect(bar, 3, 3)
            painter.setPen(self.palette().windowText().color())
            painter.drawText(QRectF(bar.right() + 6, top, number_width, line), Qt.AlignVCenter | Qt.AlignLeft,
                             str(count))


class CadenceBox(QWidget):
    """Keep-in-touch cadence: a choice of the usual ones, or every N days."""

    changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QComboBox()
        self.box.setAccessibleName("Keep-in-touch cadence")
        for days, name in CADENCES:
            self.box.addItem(name, days)
        self.box.addItem("Custom…", -1)
        self.days = QSpinBox()
        self.days.setRange(1, 3650)
        self.days.setPrefix("every ")
        self.days.setSuffix(" days")
        self.days.setAccessibleName("Cadence in days")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)
        layout.addWidget(self.days)
        layout.addStretch(1)
        self.box.activated.connect(self._picked)
        self.days.editingFinished.connect(lambda: self.changed.emit(self.days.value()))

    def set_days(self, days: int) -> None:
        index = self.box.findData(days)
        self.box.setCurrentIndex(index if index >= 0 else self.box.count() - 1)
        self.days.setVisible(index < 0)
        self.days.setValue(days if index < 0 else 30)

    def _picked(self) -> None:
        days = self.box.currentData()
        self.days.setVisible(days == -1)
        if days == -1:
            self.days.setFocus()
        else:
            self.changed.emit(days)


def _when(moment: dt.datetime, now: dt.datetime) -> str:
    local = clock.local(moment)
    return f"{local:%d %B %Y}".lstrip("0") + f" ({history.describe_ago(moment, now)})"


class HistoryTab(QWidget):
    log_requested = Signal()
    edit_requested = Signal(object)  # an InteractionRecord
    delete_requested = Signal(list)  # interaction ids
    cadence_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.contact_id: int | None = None
        self.first_label, self.last_label, self.cadence_label = QLabel(), QLabel(), QLabel()
        for label in (self.first_label, self.last_label):
            label.setTextFormat(Qt.PlainText)  # channel names are the user's
        for label in (self.first_label, self.last_label, self.cadence_label):
            label.setWordWrap(True)
        self.ladder = StepLadder()
        self.bars = ChannelBars()
        self.cadence = CadenceBox()
        self.cadence.changed.connect(self.cadence_changed)
        glance = QGridLayout()
        glance.setHorizontalSpacing(14)
        glance.setVerticalSpacing(6)
        captions = ["First contact", "Last contact", "Where it stands", "Keep in touch", "Channels"]
        for row, caption in enumerate(captions):
            label = QLabel(caption)
            label.setStyleSheet(f"color: {secondary_text(self.palette()).name()}")
            glance.addWidget(label, row, 0, Qt.AlignRight | Qt.AlignTop)
        glance.addWidget(self.first_label, 0, 1)
        glance.addWidget(self.last_label, 1, 1)
        glance.addWidget(self.ladder, 2, 1)
        cadence_row = QHBoxLayout()
        cadence_row.addWidget(self.cadence)
        cadence_row.addWidget(self.cadence_label, 1)
        glance.addLayout(cadence_row, 3, 1)
        glance.addWidget(self.bars, 4, 1)
        glance.setColumnStretch(1, 1)

        self.channel_filter = QComboBox()
        self.channel_filter.setAccessibleName("Show exchanges on")
        self.search_field = QLineEdit(placeholderText="Search this history…")
        self.search_field.setClearButtonEnabled(True)
        log_button = QPushButton("Log…")
        log_button.setToolTip("Log an exchange with this person (Ctrl+L)")
        log_button.clicked.connect(self.log_requested)
        filters = QHBoxLayout()
        filters.addWidget(self.channel_filter)
        filters.addWidget(self.search_field, 1)
        filters.addWidget(log_button)

        month_font = QFont(self.font())
        month_font.setBold(True)
        self.timeline_model = TimelineModel(month_font, secondary_text(self.palette()), self)
        self.timeline = QTreeView()
        self.timeline.setModel(self.timeline_model)
        self.timeline.setHeaderHidden(True)
        self.timeline.setRootIsDecorated(False)
        self.timeline.setIndentation(0)
        self.timeline.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.timeline.setIconSize(QSize(22, 22))
        self.timeline.setUniformRowHeights(False)
        self.timeline.setWordWrap(True)
        self.timeline.setAccessibleName("History")
        self.timeline.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
        self.timeline.setContextMenuPolicy(Qt.CustomContextMenu)
        self.timeline.customContextMenuRequested.connect(self._menu)
        self.timeline.activated.connect(self._activated)
        claim_delete_key(self.timeline, self._delete_selected)
        self.empty_label = QLabel("No exchanges yet. Log the first one: a LinkedIn message, an email, a call.")
        self.empty_label.setAlignment(Qt.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(f"color: {secondary_text(self.palette()).name()}")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 10, 4, 4)
        layout.addLayout(glance)
        layout.addSpacing(8)
        layout.addLayout(filters)
        layout.addWidget(self.timeline, 1)
        layout.addWidget(self.empty_label, 1)

        self._search_timer = QTimer(self, singleShot=True, interval=150)
        self._search_timer.timeout.connect(self._fill_timeline)
        self.search_field.textChanged.connect(self._search_timer.start)
        self.channel_filter.currentIndexChanged.connect(self._fill_timeline)

    # -- Showing ------------------------------------------------------------------------

    def show_contact(self, contact_id: int, cadence_days: int, summary: HistorySummary | None = None) -> None:
        if contact_id != self.contact_id:
            self.search_field.blockSignals(True)
            self.search_field.clear()
            self.search_field.blockSignals(False)
            self.channel_filter.blockSignals(True)
            self.channel_filter.setCurrentIndex(0)
            self.channel_filter.blockSignals(False)
        self.contact_id = contact_id
        now = history.now_utc()
        summary = summary or history.summary(contact_id, now)
        self._show_summary(summary, now)
        self.cadence.set_days(cadence_days)
        current = self.channel_filter.currentData()
        self.channel_filter.blockSignals(True)
        self.channel_filter.clear()
        self.channel_filter.addItem("All channels", None)
        for key, name, count in summary.per_channel:
            self.channel_filter.addItem(channel_icon(key, name), f"{name} ({count})", key)
        self.channel_filter.setCurrentIndex(max(0, self.channel_filter.findData(current)))
        self.channel_filter.blockSignals(False)
        self._fill_timeline()

    def _show_summary(self, summary: HistorySummary, now: dt.datetime) -> None:
        if summary.first:
            self.first_label.setText(_when(summary.first, now) + (f" on {summary.first_channel}"
                                                                   if summary.first_channel else ""))
            noun = "exchange" if summary.count == 1 else "exchanges"
            self.last_label.setText(f"{_when(summary.last, now)} · {summary.count} {noun} in all")
        else:
            self.first_label.setText("Nothing logged yet")
            self.last_label.setText("—")
        self.ladder.set_step(summary.step)
        status = summary.cadence
        colour = "#c62828" if status.overdue else secondary_text(self.palette()).name()
        self.cadence_label.setText(f"<span style='color: {colour}'>{status.describe()}</span>"
                                   if status.due_at else "")
        self.bars.set_counts(summary.per_channel)
        self.bars.setVisible(bool(summary.per_channel))

    def _fill_timeline(self) -> None:
        entries = []
        if self.contact_id is not None:
            entries = history.history(self.contact_id, self.channel_filter.currentData(), self.search_field.text())
        self.timeline_model.set_entries(entries, history.now_utc())
        self.timeline.setVisible(bool(entries))
        filtered = bool(self.search_field.text().strip() or self.channel_filter.currentData())
        self.empty_label.setText("Nothing matches." if filtered else
                                 "No exchanges yet. Log the first one: a LinkedIn message, an email, a call.")
        self.empty_label.setVisible(not entries)

    def timeline_text(self, row: int) -> str:
        """What the timeline shows on `row`: a month, or an exchange's lines."""
        return self.timeline_model.index(row, 0).data() or ""

    # -- Acting -------------------------------------------------------------------------

    def selected_ids(self) -> list[int]:
        return [index.data(IdRole) for index in self.timeline.selectionModel().selectedRows() if index.data(IdRole)]

    def _activated(self, index: QModelIndex) -> None:
        entry_id = index.data(IdRole)
        if entry_id:
            record = history.get(entry_id)
            if record:
                self.edit_requested.emit(record)

    def _menu(self, position) -> None:
        index = self.timeline.indexAt(position)
        ids = self.selected_ids()
        if not index.isValid() or not ids:
            return
        menu = QMenu(self)
        menu.addAction("Edit…", lambda: self._activated(index)).setEnabled(len(ids) == 1)
        menu.addAction("Delete" if len(ids) == 1 else f"Delete {len(ids)} entries",
                       lambda: self.delete_requested.emit(ids))
        menu.exec(self.timeline.viewport().mapToGlobal(position))

    def _delete_selected(self) -> bool:
        ids = self.selected_ids()
        if ids:
            self.delete_requested.emit(ids)
        return bool(ids)
