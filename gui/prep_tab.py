"""A person's Prep tab: everything to know in the minute before a call.

At the top, where they are and what time it is there (live), whether now is a good time, and
what happened lately. Below, sections that fold: small talk, family, interests, topics to
avoid, questions to ask next time, how you met, and who you both know. Lines are edited in
place (double-click, or type in the "Add" field and press Enter); nothing opens a dialog.
"""

from __future__ import annotations

import dataclasses
import html

from PySide6.QtCore import Qt, QTime, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.widgets.keys import claim_delete_key
from gui.widgets.layout import heading, scrolled
from gui.widgets.palette import secondary_text
from gui.widgets.person_field import PersonField
from gui.widgets.zone_box import ZoneBox
from model import clock, connections, history, meetings, places, prep
from model.contacts import ContactRecord

_IdRole = Qt.UserRole + 1


class Section(QWidget):
    """A heading that folds its content away when clicked."""

    def __init__(self, title: str, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.button = QToolButton()
        self.button.setText(title)
        self.button.setCheckable(True)
        self.button.setChecked(True)
        self.button.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.button.setArrowType(Qt.DownArrow)
        self.button.setAutoRaise(True)
        font = QFont(self.font())
        font.setBold(True)
        self.button.setFont(font)
        self.content = content
        self.button.toggled.connect(self._toggled)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.button)
        layout.addWidget(content)

    def _toggled(self, open_: bool) -> None:
        self.button.setArrowType(Qt.DownArrow if open_ else Qt.RightArrow)
        self.content.setVisible(open_)


class PrepList(QWidget):
    """The lines of one prep section, edited in place; questions can be ticked off."""

    changed = Signal()

    def __init__(self, section: str, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self.contact_id: int | None = None
        self.list = QListWidget()
        self.list.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed)
        self.list.setDragDropMode(QAbstractItemView.InternalMove)
        self.list.setFrameShape(QFrame.NoFrame)
        self.list.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.list.setAccessibleName(prep.SECTIONS[section])
        self.list.itemChanged.connect(self._item_changed)
        self.list.model().rowsMoved.connect(self._moved)
        claim_delete_key(self.list, self._delete_current)
        self.field = QLineEdit(placeholderText=placeholder)
        self.field.setAccessibleName(f"Add to {prep.SECTIONS[section]}")
        self.field.returnPressed.connect(self._add)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.list)
        layout.addWidget(self.field)

    def show_contact(self, contact_id: int) -> None:
        self.contact_id = contact_id
        self.list.blockSignals(True)
        self.list.clear()
        for line in prep.lines(contact_id, self.section):
            item = QListWidgetItem(line.text)
            item.setData(_IdRole, line.id)
            flags = item.flags() | Qt.ItemIsEditable | Qt.ItemIsDragEnabled
            if self.section == "ask_next":
                flags |= Qt.ItemIsUserCheckable
                item.setCheckState(Qt.Checked if line.done else Qt.Unchecked)
            item.setFlags(flags)
            self.list.addItem(item)
        self.list.blockSignals(False)
        rows = self.list.count()
        self.list.setFixedHeight(rows * (self.list.sizeHintForRow(0) if rows else 0) + 4)
        self.list.setVisible(rows > 0)

    def texts(self) -> list[str]:
        return [self.list.item(n).text() for n in range(self.list.count())]

    def _add(self) -> None:
        text = self.field.text().strip()
        if text and self.contact_id is not None:
            prep.add_lines(self.contact_id, self.section, [text])
            self.field.clear()
            self.show_contact(self.contact_id)
            self.changed.emit()

    def _item_changed(self, item: QListWidgetItem) -> None:
        line_id = item.data(_IdRole)
        if not item.text().strip():  # emptied: the line goes
            prep.delete_lines([line_id])
            self.show_contact(self.contact_id)
        else:
            done = item.checkState() == Qt.Checked if self.section == "ask_next" else None
            prep.update_line(line_id, text=item.text(), done=done)
        self.changed.emit()

    def _moved(self) -> None:
        prep.reorder([self.list.item(n).data(_IdRole) for n in range(self.list.count())])

    def _delete_current(self) -> bool:
        item = self.list.currentItem()
        if item is None:
            return False
        prep.delete_lines([item.data(_IdRole)])
        self.show_contact(self.contact_id)
        self.changed.emit()
        return True


def _dim(widget: QWidget) -> str:
    return secondary_text(widget.palette()).name()


class PrepTab(QWidget):
    contact_edited = Signal(object, object)  # before, after: ContactRecord (the window makes it undoable)
    open_contact = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record: ContactRecord | None = None
        self.resolution: places.Resolution | None = None

        # Where and when -------------------------------------------------------------------
        self.clock_label = heading("", self, 1.25)
        self.clock_label.setWordWrap(True)
        self.window_label = QLabel()
        self.window_label.setTextFormat(Qt.RichText)
        self.zone_label = QLabel()
        self.zone_label.setWordWrap(True)
        self.zone_label.setTextFormat(Qt.RichText)
        self.candidates = QHBoxLayout()
        self.place_button = QPushButton("Change place…")
        self.place_button.setCheckable(True)
        self.place_editor = self._build_place_editor()
        self.place_button.toggled.connect(self.place_editor.setVisible)
        self.place_editor.hide()
        zone_row = QHBoxLayout()
        zone_row.addWidget(self.zone_label, 1)
        zone_row.addWidget(self.place_button, 0, Qt.AlignTop)

        self.lately_label = QLabel()
        self.lately_label.setTextFormat(Qt.RichText)
        self.lately_label.setWordWrap(True)

        # Sections -------------------------------------------------------------------------
        placeholders = {
            "small_talk": "Add a topic: a hobby, their team, a recent trip, the weather there…",
            "family": "Add family: partner, children and their ages, pets…",
            "interests": "Add an interest…", "avoid": "Add a topic to stay away from…",
            "ask_next": "Add a question for next time…",
        }
        self.lists = {section: PrepList(section, text) for section, text in placeholders.items()}
        self.move_button = QPushButton("Move ticked questions into the last call")
        self.move_button.setToolTip("Ticked questions were asked: they go into the notes of the latest exchange")
        self.move_button.clicked.connect(self._move_answered)
        self.lists["ask_next"].layout().addWidget(self.move_button, 0, Qt.AlignLeft)
        self.lists["ask_next"].changed.connect(self._update_move_button)
        self.vcard_family = QLabel()
        self.vcard_family.setWordWrap(True)
        self.lists["family"].layout().insertWidget(1, self.vcard_family)

        self.how_met = QLineEdit(placeholderText="Where: the conference, a LinkedIn post, a friend's dinner…")
        self.met_on = QLineEdit(placeholderText="When: 2025-03-14, or just 2025")
        self.introduced_by = PersonField("Through whom: start typing a name")
        self.first_channel_label = QLabel()
        met_form = QFormLayout()
        met_form.addRow("Where", self.how_met)
        met_form.addRow("When", self.met_on)
        met_form.addRow("Introduced by", self.introduced_by)
        met_form.addRow("First exchange", self.first_channel_label)
        met_box = QWidget()
        met_box.setLayout(met_form)
        met_form.setContentsMargins(18, 0, 0, 0)
        for field in (self.how_met, self.met_on, self.introduced_by):
            field.editingFinished.connect(self._save_how_met)
        self.introduced_by.picked.connect(self._save_how_met)

        self.links_label = QLabel()
        self.links_label.setTextFormat(Qt.RichText)
        self.links_label.setWordWrap(True)
        self.links_label.setTextInteractionFlags(Qt.TextBrowserInteraction)
        self.links_label.linkActivated.connect(self._link_activated)
        self.link_person = PersonField("Someone they know: start typing a name")
        self.link_text = QLineEdit(placeholderText="How they know each other")
        self.link_text.returnPressed.connect(self._add_link)
        self.link_person.picked.connect(lambda *_: self.link_text.setFocus())
        link_button = QPushButton("Link")
        link_button.clicked.connect(self._add_link)
        link_row = QHBoxLayout()
        link_row.addWidget(self.link_person, 2)
        link_row.addWidget(self.link_text, 3)
        link_row.addWidget(link_button)
        links_box = QWidget()
        links_layout = QVBoxLayout(links_box)
        links_layout.setContentsMargins(18, 0, 0, 0)
        links_layout.addWidget(self.links_label)
        links_layout.addLayout(link_row)

        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(4, 10, 12, 10)
        column.addWidget(self.clock_label)
        column.addWidget(self.window_label)
        column.addLayout(zone_row)
        column.addLayout(self.candidates)
        column.addWidget(self.place_editor)
        column.addSpacing(6)
        column.addWidget(Section("Lately", self.lately_label))
        for section, widget in self.lists.items():
            column.addWidget(Section(prep.SECTIONS[section], widget))
        column.addWidget(Section("How you met", met_box))
        column.addWidget(Section("Who you both know", links_box))
        column.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrolled(body))

        self.clock = QTimer(self, interval=30_000)
        self.clock.timeout.connect(self._tick)
        self.clock.start()

    def _build_place_editor(self) -> QWidget:
        box = QFrame()
        box.setFrameShape(QFrame.StyledPanel)
        self.city_field = QLineEdit(placeholderText="City")
        self.region_field = QLineEdit(placeholderText="State or region")
        self.country_field = QLineEdit(placeholderText="Country")
        self.zone_box = ZoneBox()
        self.zone_box.fill(blank=True)
        self.zone_box.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        find = QPushButton("Find the zone")
        find.clicked.connect(self._find_zone)
        self.hours_from, self.hours_to = QTimeEdit(), QTimeEdit()
        for edit in (self.hours_from, self.hours_to):
            edit.setDisplayFormat("HH:mm")
        save = QPushButton("Save")
        save.setDefault(True)
        save.clicked.connect(self._save_place)
        place_row = QHBoxLayout()
        for field in (self.city_field, self.region_field, self.country_field):
            place_row.addWidget(field)
        zone_row = QHBoxLayout()
        zone_row.addWidget(self.zone_box, 1)
        zone_row.addWidget(find)
        hours_row = QHBoxLayout()
        hours_row.addWidget(self.hours_from)
        hours_row.addWidget(QLabel("to"))
        hours_row.addWidget(self.hours_to)
        hours_row.addStretch(1)
        hours_row.addWidget(save)
        form = QFormLayout(box)
        form.addRow("Place", place_row)
        form.addRow("Time zone", zone_row)
        form.addRow("Call between", hours_row)
        return box

    # -- Showing ------------------------------------------------------------------------

    def show_contact(self, record: ContactRecord, summary: history.HistorySummary | None = None) -> None:
        changed_person = self.record is None or self.record.id != record.id
        self.record = record
        self.resolution = places.resolve_contact(record)
        self._tick()
        self._show_candidates()
        self._fill_place_editor(record)
        if changed_person:
            self.place_button.setChecked(False)
        self._show_lately(record.id)
        for widget in self.lists.values():
            widget.show_contact(record.id)
        self._update_move_button()
        related = prep.from_vcard(record.vcard_properties)
        self.vcard_family.setText(f"<span style='color: {_dim(self)}'>From the vCard: "
                                  f"{html.escape('; '.join(related))}</span>" if related else "")
        self.vcard_family.setVisible(bool(related))
        self.how_met.setText(record.how_met)
        self.met_on.setText(record.met_on)
        self.introduced_by.set_person(record.introduced_by)
        summary = summary or history.summary(record.id)
        self.first_channel_label.setText(
            f"{summary.first_channel}, {clock.local(summary.first):%d %B %Y}".lstrip("0")
            if summary.first else "Nothing logged yet")
        self._show_links(record.id)

    def _tick(self) -> None:
        record, found = self.record, self.resolution
        if record is None or found is None:
            return
        place = record.city or found.place.split(",")[0]
        if found.zone:
            self.clock_label.setText(places.describe_local_time(found.zone, place))
            window = places.reasonable_hour(found.zone, places.call_hours_or_default(record.call_hours))
            colour = "#2e7d32" if window.good else "#c62828"
            season = places.season(found.zone)
            self.window_label.setText(f"<span style='color: {colour}'>●</span> {html.escape(window.reason)}."
                                      f" <span style='color: {_dim(self)}'>It's {season} there.</span>")
            source = f"{places.zone_label(found.zone, place)} · {found.source}"
            if found.place and found.source != "from the city":
                source += f" ({found.place})"
            self.zone_label.setText(f"<span style='color: {_dim(self)}'>{html.escape(source)}</span>")
        else:
            self.clock_label.setText("Their local time is unknown")
            self.window_label.setText(f"<span style='color: #c62828'>●</span> {html.escape(found.note)}")
            self.zone_label.setText(f"<span style='color: {_dim(self)}'>Set their city or time zone to see "
                                    "the time there.</span>")

    def _show_candidates(self) -> None:
        while self.candidates.count():
            item = self.candidates.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        if self.resolution and self.resolution.ambiguous:
            for city in self.resolution.candidates[:4]:
                button = QPushButton(f"{city.describe()} ({places.zone_label(city.zone)})")
                button.clicked.connect(lambda _=False, c=city: self._choose_city(c))
                self.candidates.addWidget(button)
            self.candidates.addStretch(1)

    def _fill_place_editor(self, record: ContactRecord) -> None:
        self.city_field.setText(record.city)
        self.region_field.setText(record.region)
        self.country_field.setText(record.country)
        self.zone_box.set_zone(record.time_zone or (self.resolution.zone if self.resolution else ""))
        start, end = places.parse_call_hours(places.call_hours_or_default(record.call_hours))
        self.hours_from.setTime(QTime(start.hour, start.minute))
        self.hours_to.setTime(QTime(end.hour, end.minute))

    def _show_lately(self, contact_id: int) -> None:
        now = history.now_utc()
        lines = []
        for entry in history.history(contact_id, limit=3):
            lines.append(f"<b>{html.escape(entry.summary or '(no summary)')}</b> "
                         f"<span style='color: {_dim(self)}'>{html.escape(entry.channel_name)}, "
                         f"{history.describe_ago(entry.occurred_at, now)}</span>")
        upcoming = meetings.next_meeting(contact_id, now)
        if upcoming:
            when = (f"{upcoming.starts_at:%a %d %b}, all day" if upcoming.meeting.all_day
                    else f"{clock.local(upcoming.starts_at):%a %d %b, %H:%M}")
            lines.append(f"Next: <b>{html.escape(upcoming.meeting.title)}</b> "
                         f"<span style='color: {_dim(self)}'>{when}</span>")
        self.lately_label.setText("<br>".join(lines) if lines else
                                  f"<span style='color: {_dim(self)}'>No exchanges and no meeting planned.</span>")

    def _show_links(self, contact_id: int) -> None:
        links = connections.links_of(contact_id)
        rows = []
        for link in links:
            remove = f" <a href='unlink:{link.id}'>remove</a>" if link.id else ""
            rows.append(f"<a href='contact:{link.other_id}'>{html.escape(link.other_name)}</a> "
                        f"<span style='color: {_dim(self)}'>{html.escape(link.description)}</span>{remove}")
        further = [path for path in connections.connections(contact_id, depth=3) if path.hops > 1][:6]
        if further:
            rows.append(f"<span style='color: {_dim(self)}'>Through them:</span>")
            rows += [f"<a href='contact:{path.contact_id}'>{html.escape(path.names[-1])}</a> "
                     f"<span style='color: {_dim(self)}'>{html.escape(path.describe())}</span>" for path in further]
        empty = f"<span style='color: {_dim(self)}'>No links yet. Link someone they know below.</span>"
        self.links_label.setText("<br>".join(rows) if rows else empty)

    # -- Editing ------------------------------------------------------------------------

    def _edit(self, **changes) -> None:
        if self.record is None:
            return
        after = dataclasses.replace(self.record, **changes)
        if after != self.record:
            self.contact_edited.emit(self.record, after)

    def _choose_city(self, city: places.City) -> None:
        self._edit(city=city.name, region=city.region_name or city.region, country=city.country,
                   time_zone=city.zone, time_zone_source="from the city (chosen by you)")

    def _find_zone(self) -> None:
        found = places.resolve(city=self.city_field.text(), region=self.region_field.text(),
                               country=self.country_field.text())
        if found.zone:
            self.zone_box.set_zone(found.zone)
        self.resolution = found if not found.zone else self.resolution
        self._show_candidates()
        if not found.zone and not found.ambiguous:
            self.window_label.setText(html.escape(found.note))

    def _save_place(self) -> None:
        zone = self.zone_box.zone()
        if zone and not places.valid_zone(zone):
            self.window_label.setText(f"<span style='color: #c62828'>{html.escape(zone)} is not a time zone.</span>")
            return
        hours = f"{self.hours_from.time().toString('HH:mm')}-{self.hours_to.time().toString('HH:mm')}"
        keep_source = zone == self.record.time_zone
        self._edit(city=self.city_field.text().strip(), region=self.region_field.text().strip(),
                   country=self.country_field.text().strip(), time_zone=zone,
                   time_zone_source=(self.record.time_zone_source if keep_source else "set by you") if zone else "",
                   call_hours="" if hours == places.default_call_hours() else hours)
        self.place_button.setChecked(False)

    def _save_how_met(self, *_picked) -> None:
        introduced = self.introduced_by.contact_id() if self.introduced_by.text().strip() else None
        if self.introduced_by.text().strip() and introduced is None:
            return  # a name not (yet) picked from the list
        self._edit(how_met=self.how_met.text().strip(), met_on=self.met_on.text().strip(), introduced_by=introduced)

    def _add_link(self) -> None:
        other = self.link_person.contact_id()
        if self.record is None or other is None or other == self.record.id:
            return
        connections.link(self.record.id, other, self.link_text.text())
        self.link_person.clear()
        self.link_text.clear()
        self._show_links(self.record.id)

    def _link_activated(self, href: str) -> None:
        kind, _, value = href.partition(":")
        if kind == "contact":
            self.open_contact.emit(int(value))
        elif kind == "unlink" and self.record is not None:
            connections.unlink(int(value))
            self._show_links(self.record.id)

    def _update_move_button(self) -> None:
        ticked = any(self.lists["ask_next"].list.item(n).checkState() == Qt.Checked
                     for n in range(self.lists["ask_next"].list.count()))
        self.move_button.setVisible(ticked)

    def _move_answered(self) -> None:
        if self.record is None:
            return
        latest = history.history(self.record.id, limit=1)
        if not latest:
            self.window_label.setText("Log the call first; the ticked questions go into its notes.")
            return
        prep.move_answered_to(self.record.id, latest[0].id)
        self.lists["ask_next"].show_contact(self.record.id)
        self._update_move_button()
