"""The right pane: one person, with their photo, names, work, contact points, tags and notes."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui.history_tab import HistoryTab
from gui.meetings_tab import MeetingsTab
from gui.prep_tab import PrepTab
from gui.widgets.avatar import Avatar
from gui.widgets.elided_label import ElidedLabel
from gui.widgets.layout import breakable, heading, scrolled, shortened
from gui.widgets.palette import chip_colours, secondary_text
from model import history
from model.contacts import ContactRecord, describe_date, service_name

_KIND_TITLES = {"phone": "Phone", "email": "Email", "address": "Address", "url": "Web"}


def _text(text: str) -> str:
    """A value the user typed, as rich text: escaped, line breaks kept, long runs breakable."""
    return html.escape(breakable(text)).replace("\n", "<br>")


def _link(text: str, href: str) -> str:
    if not href:
        return _text(text)
    return f'<a href="{html.escape(href, quote=True)}">{html.escape(shortened(text))}</a>'


class ContactPage(QWidget):
    """Shows one person; Edit and Delete hand the choice back to the window."""

    edit_requested = Signal()
    delete_requested = Signal()
    log_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.avatar = Avatar(88)
        # What the person's card says is shown as typed (plain text), cut with an ellipsis where long.
        self.name_label = ElidedLabel()
        self.name_label.setFont(heading("", self, 1.6).font())
        self.name_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.work_label = ElidedLabel()
        self.tags_label = QLabel()
        self.tags_label.setTextFormat(Qt.RichText)
        self.tags_label.setWordWrap(True)
        self.standing_label = QLabel()
        self.standing_label.setTextFormat(Qt.PlainText)
        self.standing_label.setStyleSheet(f"color: {secondary_text(self.palette()).name()}")
        log_button = QPushButton("Log…")
        log_button.setToolTip("Log an exchange with this person (Ctrl+L)")
        log_button.clicked.connect(self.log_requested)
        edit_button = QPushButton("Edit")
        edit_button.setToolTip("Edit this person (Ctrl+E)")
        delete_button = QPushButton("Delete")
        delete_button.setToolTip("Delete this person (Del); Undo brings them back")
        edit_button.clicked.connect(self.edit_requested)
        delete_button.clicked.connect(self.delete_requested)

        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.name_label)
        titles.addWidget(self.work_label)
        titles.addWidget(self.tags_label)
        titles.addWidget(self.standing_label)
        titles.addStretch(1)
        buttons = QVBoxLayout()
        buttons.addWidget(log_button)
        buttons.addWidget(edit_button)
        buttons.addWidget(delete_button)
        buttons.addStretch(1)
        header = QHBoxLayout()
        header.setSpacing(16)
        header.addWidget(self.avatar, 0, Qt.AlignTop)
        header.addLayout(titles, 1)
        header.addLayout(buttons)

        self.details = QWidget()
        self.form = QFormLayout(self.details)
        self.form.setLabelAlignment(Qt.AlignRight | Qt.AlignTop)
        self.form.setFormAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.form.setHorizontalSpacing(18)
        self.form.setVerticalSpacing(8)
        self.form.setRowWrapPolicy(QFormLayout.DontWrapRows)
        scroll = scrolled(self.details)

        self.history_tab = HistoryTab()
        self.history_tab.log_requested.connect(self.log_requested)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(scroll, "&Details")
        self.tabs.addTab(self.history_tab, "&History")
        self.prep_tab = PrepTab()
        self.tabs.addTab(self.prep_tab, "&Prep")
        self.meetings_tab = MeetingsTab()
        self.tabs.addTab(self.meetings_tab, "&Meetings")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 10)
        layout.addLayout(header)
        layout.addSpacing(6)
        layout.addWidget(self.tabs, 1)
        self.record: ContactRecord | None = None

    def show_contact(self, record: ContactRecord) -> None:
        self.record = record
        self.avatar.show_person(record.display_name, record.photo, record.given_name, record.family_name)
        self.name_label.set_full_text(record.display_name)
        work = [record.title, record.department, record.organisation]
        self.work_label.set_full_text(" · ".join(part for part in work if part))
        self.work_label.setVisible(any(work))
        back, ink = chip_colours(self.palette())
        chip = f'<span style="background-color: {back.name()}; color: {ink.name()};">&nbsp;{{}}&nbsp;</span>'
        chips = " ".join(chip.format(_text(tag)) for tag in record.tags)
        self.tags_label.setText(chips)
        self.tags_label.setVisible(bool(record.tags))
        self._fill_details(record)
        summary = history.summary(record.id)  # read once, for the header and both tabs
        self.history_tab.show_contact(record.id, record.cadence_days, summary)
        self.prep_tab.show_contact(record, summary)
        self.meetings_tab.show_contact(record.id)
        standing = [summary.step_name]
        if summary.last:
            standing.append(f"last contact {history.describe_ago(summary.last)}")
        if summary.cadence.overdue:
            standing.append(summary.cadence.describe().lower())
        self.standing_label.setText(" · ".join(standing))

    def _fill_details(self, record: ContactRecord) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        for point in record.points:
            title = service_name(point.service) if point.kind == "handle" else _KIND_TITLES.get(point.kind, point.kind)
            dim = secondary_text(self.palette()).name()
            label = f" <span style='color: {dim}'>{_text(point.label)}</span>" if point.label else ""
            self._add_row(title, _link(point.value, point.href()) + label)
        if record.birthday:
            self._add_row("Birthday", html.escape(describe_date(record.birthday)))
        if record.anniversary:
            self._add_row("Anniversary", html.escape(describe_date(record.anniversary)))
        if record.place:
            self._add_row("Lives in", _text(record.place))
        if record.nickname:
            self._add_row("Nickname", _text(record.nickname))
        if record.how_met:
            self._add_row("How we met", _text(record.how_met))
        if record.notes:
            self._add_row("Notes", _text(record.notes))
        if not self.form.rowCount():
            self._add_row("", "<i>Nothing else yet. Use Edit to add phones, emails and notes.</i>")

    def _add_row(self, title: str, rich_text: str) -> None:
        value = QLabel(rich_text)
        value.setTextFormat(Qt.RichText)
        value.setWordWrap(True)
        value.setTextInteractionFlags(Qt.TextBrowserInteraction)
        value.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
        value.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        value.linkActivated.connect(lambda href: QDesktopServices.openUrl(QUrl(href)))
        caption = QLabel(title)
        caption.setAlignment(Qt.AlignRight | Qt.AlignTop)
        caption.setStyleSheet(f"color: {secondary_text(self.palette()).name()}")
        self.form.addRow(caption, value)
