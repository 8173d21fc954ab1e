"""Views across the whole notebook: Today (what needs you now) and Take it offline (who to call).

Both only show what model/history.py derives; every person is a link that opens them.
"""

from __future__ import annotations

import datetime as dt
import html
from concurrent.futures import Future

from PySide6.QtCore import Qt, Signal
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
from model import clock, history, meetings
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
        self._defer = False  # the next refresh takes the history's lists from a worker
        self._coming: Future[history.TodayLists] | None = None  # those lists, while they are made
        self._placeholders_from = 0  # where the sections waiting for them begin
        self._arrived.connect(self._fill)

    _arrived = Signal(object)  # a worker's lists are ready (queued to this page's thread)

    def defer_once(self) -> None:
        """Let the next refresh show the meetings at once, and the lists drawn from the whole
        history (overdue, birthdays, take it offline: about 0.1 s at 1,000,000 exchanges) when a
        worker has made them (model.history.today_lists_soon): the window does not wait for them."""
        self._defer = True

    def _arrive(self, future: Future[history.TodayLists]) -> None:
        """On the worker's thread: hand the lists to the page's (which may be gone: a closed window)."""
        try:
            self._arrived.emit(future)
        except RuntimeError:  # the page was deleted meanwhile
            pass

    def _fill(self, future: Future[history.TodayLists]) -> None:
        if future is not self._coming:  # a refresh came since: these lists are stale
            return
        self._coming = None
        try:
            lists = future.result()
        except Exception:  # noqa: BLE001 - the window's fault handler shows it; the page stays usable
            self._replace_placeholders(None)
            raise
        self._replace_placeholders(lists)

    @property
    def pending(self) -> bool:
        """Whether the history's lists are still to come (placeholders are shown)."""
        return self._coming is not None

    def refresh(self, now: dt.datetime | None = None) -> None:
        explicit = now is not None
        now = now or history.now_utc()
        today = clock.local(now).date()
        self.title.setText(f"Today, {today:%A} {today.day} {today:%B}")
        while self.sections.count():
            item = self.sections.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self._section("Meetings today and tomorrow", self._meetings(today),
                      "Nothing planned. Plan a call with Ctrl+M.")
        self._coming = None
        if self._defer:
            self._defer = False
            self._placeholders_from = self.sections.count()
            for title in ("Overdue to get in touch", "Birthdays this week", "Take it offline"):
                self._section(title, [], "Looking through the history…")
            self._coming = future = history.today_lists_soon(now if explicit else None)
            future.add_done_callback(self._arrive)  # (at once, here, if it is done already)
            return
        self._history_sections(history.today_lists(now))

    def _history_sections(self, lists: history.TodayLists) -> None:
        self._section("Overdue to get in touch", self._people(lists.overdue),
                      "Nobody is overdue. Set a keep-in-touch cadence on a person's History tab.")
        self._section("Birthdays this week", self._people(lists.birthdays), "No birthdays this week.")
        lines = self._people(lists.offline)
        if lists.offline:
            lines.append("<a href='offline:'>See the whole list…</a>")
        self._section("Take it offline", lines,
                      "Nobody to take offline yet: log LinkedIn, X or email exchanges and they show up here.")

    def _replace_placeholders(self, lists: history.TodayLists | None) -> None:
        """The history's sections in place of their placeholders (the meetings above stay put)."""
        while self.sections.count() > self._placeholders_from:
            widget = self.sections.takeAt(self._placeholders_from).widget()
            if widget is not None:
                widget.hide()
                widget.setParent(None)  # gone from the page now, deleted in a moment
                widget.deleteLater()
        if lists is None:
            self._section("History", [], "The history could not be read just now; it shows after the next change.")
        else:
            self._history_sections(lists)

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
            local = clock.local(occurrence.starts_at)
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
