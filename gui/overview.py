"""Views across the whole notebook: Today (what needs you now) and Take it offline (who to call).

Both only show what model/history.py derives; every person is a link that opens them.
"""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gui.widgets.layout import heading, scrolled
from gui.widgets.palette import secondary_text
from model import history, meetings
from model.history import PersonLine

_IdRole = Qt.UserRole + 1


class TodayPage(QWidget):
    """What a user sees at start-up: who is overdue, whose birthday is coming, who to take offline."""

    open_contact = Signal(int)
    open_meeting = Signal(int)
    show_offline = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = heading("", self, 1.7)
        self.sections = QVBoxLayout()
        self.sections.setSpacing(14)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(28, 22, 28, 22)
        column.addWidget(self.title)
        column.addSpacing(4)
        column.addLayout(self.sections)
        column.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrolled(body))
        self._defer = False  # the next refresh leaves the history's lists for after the first paint
        self._after_paint: dt.datetime | None = None  # the time those lists wait to be made for
        self._asked = False  # whether the first paint has asked for them
        self.title.installEventFilter(self)

    def defer_once(self) -> None:
        """Let the next refresh show the meetings at once and the lists drawn from the whole history
        (overdue, birthdays, take it offline: 190-260 ms at 1,000,000 exchanges) just after the
        page is first painted, so that the window appears without waiting for them."""
        self._defer = True

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint and self._after_paint is not None and not self._asked:
            self._asked = True
            QTimer.singleShot(0, self._fill)
        return False

    def _fill(self) -> None:
        if self._after_paint is not None:  # (no refresh came first)
            self.refresh(self._after_paint)

    @property
    def pending(self) -> bool:
        """Whether the history's lists are still to come (placeholders are shown)."""
        return self._after_paint is not None

    def refresh(self, now: dt.datetime | None = None) -> None:
        now = now or history.now_utc()
        today = now.astimezone().date()
        self.title.setText(f"Today, {today:%A} {today.day} {today:%B}")
        while self.sections.count():
            item = self.sections.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self._section("Meetings today and tomorrow", self._meetings(today),
                      "Nothing planned. Plan a call with Ctrl+M.")
        self._after_paint, self._asked = None, False
        if self._defer:
            self._defer, self._after_paint = False, now
            for title in ("Overdue to get in touch", "Birthdays this week", "Take it offline"):
                self._section(title, [], "Looking through the history…")
            return
        self._section("Overdue to get in touch", self._people(history.overdue(now, limit=8)),
                      "Nobody is overdue. Set a keep-in-touch cadence on a person's History tab.")
        self._section("Birthdays this week", self._people(history.birthdays(today)), "No birthdays this week.")
        offline = history.take_it_offline(now, limit=5)
        lines = self._people(offline)
        if offline:
            lines.append("<a href='offline:'>See the whole list…</a>")
        self._section("Take it offline", lines,
                      "Nobody to take offline yet: log LinkedIn, X or email exchanges and they show up here.")

    def _people(self, lines: list[PersonLine]) -> list[str]:
        dim = secondary_text(self.palette()).name()
        return [f"<a href='contact:{line.contact_id}'>{html.escape(line.display_name)}</a>"
                f"&nbsp;&nbsp;<span style='color: {dim}'>{html.escape(line.reason)}</span>" for line in lines]

    def _meetings(self, today: dt.date) -> list[str]:
        dim = secondary_text(self.palette()).name()
        lines = []
        for occurrence in meetings.on_days(today, today + dt.timedelta(days=1), include_cancelled=False):
            record = occurrence.meeting
            state = meetings.state_of(occurrence)
            if state == "over":  # an occurrence of a series that has ended: nothing left to do
                continue
            local = occurrence.starts_at.astimezone()
            day = "Today" if local.date() <= today else "Tomorrow"  # (an all-day one may have begun before)
            at = "all day" if record.all_day else f"{local:%H:%M}"
            status = {"done": " (done)", "unmarked": " (over: how did it go?)"}.get(state, "")
            lines.append(f"<a href='meeting:{record.id}'>{day} {at}&nbsp; {html.escape(record.title)}</a>"
                         f"{status}&nbsp;&nbsp;<span style='color: {dim}'>{html.escape(record.people)}</span>")
        return lines

    def _section(self, title: str, lines: list[str], empty: str) -> None:
        self.sections.addWidget(heading(title, self, 1.15))
        dim = secondary_text(self.palette()).name()
        text = "<br>".join(lines) if lines else f"<span style='color: {dim}'>{html.escape(empty)}</span>"
        label = QLabel(f"<div style='line-height: 150%'>{text}</div>")
        label.setTextFormat(Qt.RichText)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextBrowserInteraction)
        label.linkActivated.connect(self._link)
        self.sections.addWidget(label)

    def _link(self, href: str) -> None:
        kind, _, value = href.partition(":")
        if kind == "contact":
            self.open_contact.emit(int(value))
        elif kind == "meeting":
            self.open_meeting.emit(int(value))
        elif kind == "offline":
            self.show_offline.emit()


class OfflineView(QWidget):
    """The take-it-offline list: people you talk to online but have never called, best first."""

    open_contact = Signal(int)
    log_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = heading("Take it offline", self, 1.7)
        intro = QLabel(
            "People you exchange with online or by email but have never called or met, ranked by how "
            "often and how recently you talked in the last six months. The top of this list is who to "
            "call next.")
        intro.setWordWrap(True)
        intro.setStyleSheet(f"color: {secondary_text(self.palette()).name()}")
        self.table = QTreeWidget()
        self.table.setColumnCount(3)
        self.table.setHeaderLabels(["#", "Person", "Why"])
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setAccessibleName("Take it offline")
        self.table.setStyleSheet("QTreeView::item { padding: 4px 2px; }")
        header = self.table.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        self.table.itemActivated.connect(lambda item: self.open_contact.emit(item.data(0, _IdRole)))
        self.empty_label = QLabel("Nobody yet. Log LinkedIn, X or email exchanges and the people you "
                                  "talk to most will show up here.")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignCenter)
        open_button = QPushButton("Open")
        log_button = QPushButton("Log a call…")
        open_button.clicked.connect(lambda: self._with_current(self.open_contact.emit))
        log_button.clicked.connect(lambda: self._with_current(self.log_requested.emit))
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.buttons.addWidget(open_button)
        self.buttons.addWidget(log_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 22, 28, 16)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label, 1)
        layout.addLayout(self.buttons)

    def refresh(self, now: dt.datetime | None = None) -> None:
        lines = history.take_it_offline(now, limit=200)
        self.table.clear()
        for rank, line in enumerate(lines, 1):
            item = QTreeWidgetItem([str(rank), line.display_name, line.reason])
            item.setData(0, _IdRole, line.contact_id)
            item.setTextAlignment(0, Qt.AlignRight | Qt.AlignVCenter)
            item.setToolTip(2, line.reason)
            self.table.addTopLevelItem(item)
        if lines:
            self.table.setCurrentItem(self.table.topLevelItem(0))
        self.table.setVisible(bool(lines))
        self.empty_label.setVisible(not lines)

    def current_id(self) -> int | None:
        item = self.table.currentItem()
        return item.data(0, _IdRole) if item else None

    def _with_current(self, act) -> None:
        contact_id = self.current_id()
        if contact_id is not None:
            act(contact_id)


class WelcomePage(QWidget):
    """What an empty notebook shows: where to start."""

    def __init__(self, actions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = heading("Your notebook is empty", self, 1.8)
        text = QLabel(
            "Rapport keeps the people you meet online, your history with them, and what to say "
            "when you call. Start by bringing in the contacts your phone exports, or look around "
            "the sample notebook first.")
        text.setWordWrap(True)
        text.setFixedWidth(460)
        # A layout that centres a wrapped label gives it one line's height: the first sentence was
        # cut mid-phrase. As tall as its lines need at that width.
        text.setFixedHeight(text.heightForWidth(460))
        text.setAlignment(Qt.AlignHCenter)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title, 0, Qt.AlignHCenter)
        layout.addSpacing(8)
        layout.addWidget(text, 0, Qt.AlignHCenter)
        layout.addSpacing(16)
        for action in actions:
            button = QPushButton(action.text().replace("&", ""))
            button.setMinimumWidth(260)
            button.clicked.connect(action.trigger)
            layout.addWidget(button, 0, Qt.AlignHCenter)
        layout.addStretch(2)
