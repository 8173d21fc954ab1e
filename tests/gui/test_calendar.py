"""The calendar through the real widgets: plan, drag, mark done, cancel, export and import,
reminders, a person's Meetings tab and Today."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox

from gui.calendar_import import NewPeopleDialog
from gui.export_dialog import ExportCalendarDialog
from gui.meeting_editor import MeetingEditor, OutcomeDialog
from gui.month_grid import occurrence_tooltip
from gui.reminders import ReminderNotice
from model import clock, contacts, history, ical, meetings, search
from model.meetings import FLOATING
from tests.gui.conftest import drive_dialog, open_person


def next_monday(hour=10):
    today = clock.today()
    day = today + dt.timedelta(days=7 - today.weekday())
    return dt.datetime.combine(day, dt.time(hour), clock.local_zone())


def test_plan_a_call_from_the_person_page(window, qtbot):
    hannah = open_person(window, "Hannah Schmidt")
    before = meetings.count()
    starts = next_monday(10)

    def plan(editor):
        assert editor.people.ids() == [hannah]
        assert editor.kind.currentData() == "video"  # how she is usually reached: her history is video calls
        assert editor.title.placeholderText() == "Video call with Hannah Schmidt"
        editor.kind.setCurrentIndex(editor.kind.findData("phone"))
        assert editor.title.placeholderText() == "Call with Hannah Schmidt"
        editor.zone.setCurrentText("Europe/London")
        editor._set_start(starts)
        editor.location.setText("+49 30 5550 1234")
        editor.reminder.setCurrentIndex(editor.reminder.findData(60))
        # Both times side by side: London here, Berlin there (one hour ahead).
        assert "in Berlin" in editor.both_label.text()
        editor.buttons.button(editor.buttons.StandardButton.Save).click()

    errors = drive_dialog(qtbot, plan, MeetingEditor)
    qtbot.keyClick(window, Qt.Key_M, Qt.ControlModifier)
    assert not errors, errors
    assert meetings.count() == before + 1
    saved = meetings.for_contact(hannah)[0]
    assert saved.title == "Call with Hannah Schmidt" and saved.reminder_minutes == 60
    assert saved.starts_at == starts.astimezone(dt.UTC) and saved.time_zone == "Europe/London"
    assert saved.contact_ids == [hannah]
    coming = window.contact_page.meetings_tab.coming
    assert any(coming.text(n, 1) == "Call with Hannah Schmidt" for n in range(coming.row_count()))
    window.undo_action.trigger()
    assert meetings.count() == before


def test_the_editor_warns_but_does_not_block(qtbot, sample_notebook):
    cathy = search.search("Cathy Rogers")[0]
    early = dt.datetime.combine(next_monday().date(), dt.time(8), dt.UTC)  # 03:00 or 04:00 in Savannah
    editor = MeetingEditor(None, [cathy], early)
    qtbot.addWidget(editor)
    editor.zone.setCurrentText("UTC")
    editor._set_start(early)
    assert "too early there" in " ".join(editor._warn() or [editor.message.text()])
    editor.duration.setEditText("0 min")
    assert editor._warn() == ["Give the meeting a length."]
    editor.duration.setCurrentIndex(0)
    editor.zone.setCurrentText("Mars/Olympus")
    assert "not a time zone" in " ".join(editor._warn())


def test_drag_in_the_week_view_moves_the_meeting(window, qtbot):
    window.show_view(window.calendar_view)
    view = window.calendar_view
    cathy = search.search("Cathy Rogers")[0]
    starts = next_monday(10)
    meeting_id = meetings.save(meetings.MeetingRecord("Call with Cathy", starts.astimezone(dt.UTC),
                                                      (starts + dt.timedelta(minutes=30)).astimezone(dt.UTC),
                                                      attendees=[meetings.Attendee(cathy)]))
    view.go_to(starts.date())
    grid = view.week.grid
    qtbot.waitUntil(lambda: any(b.occurrence.meeting.id == meeting_id for b in grid.blocks))
    block = next(b for b in grid.blocks if b.occurrence.meeting.id == meeting_id)
    grab = block.rect.center().toPoint()
    # Down two hours and one day to the right.
    target = grab + QPoint(int(grid.day_width()), 2 * grid.HOUR)
    qtbot.mousePress(grid, Qt.LeftButton, pos=grab)
    qtbot.mouseMove(grid, grab + QPoint(0, 10))
    qtbot.mouseMove(grid, target)
    qtbot.mouseRelease(grid, Qt.LeftButton, pos=target)
    moved = meetings.get(meeting_id)
    assert moved.starts_at == (starts + dt.timedelta(days=1, hours=2)).astimezone(dt.UTC)
    assert moved.minutes == 30
    window.undo_action.trigger()
    assert meetings.get(meeting_id).starts_at == starts.astimezone(dt.UTC)


def test_mark_done_goes_to_history_and_offers_the_follow_up(window, qtbot):
    cathy = open_person(window, "Cathy Rogers")
    today = meetings.for_contact(cathy)[0]
    entries_before = len(history.history(cathy))

    def outcome(dialog):
        dialog.outcome.setText("She will co-host the workshop")
        dialog.notes.setPlainText("Two speakers, March")
        assert dialog.follow_up.isChecked()
        dialog.accept()
        drive_dialog(qtbot, follow_up, MeetingEditor)  # the follow-up editor opens next

    def follow_up(editor):
        assert editor.title.text() == f"Follow-up: {today.title}"
        assert editor.people.ids() == [cathy]
        assert editor.starts_at().date() >= clock.today() + dt.timedelta(days=29)  # her cadence is monthly
        editor.reject()

    errors = drive_dialog(qtbot, outcome, OutcomeDialog)
    window.mark_meeting_done(today.id)
    assert not errors, errors
    assert meetings.get(today.id).status == "done"
    newest = history.history(cathy, limit=1)[0]
    assert newest.summary == "She will co-host the workshop" and newest.meeting_id == today.id
    assert len(history.history(cathy)) == entries_before + 1
    window.undo_action.trigger()
    assert meetings.get(today.id).status == "planned"
    assert len(history.history(cathy)) == entries_before


def test_cancelled_meetings_stay_struck_through(window, qtbot):
    window.show_view(window.calendar_view)
    view = window.calendar_view
    cathy_call = next(m for m in meetings.all_meetings() if m.title == "Video call with Cathy Rogers")
    window.set_meeting_status(cathy_call.id, "cancelled")
    view.go_to(cathy_call.starts_at.astimezone().date())
    assert view.day_list.text(0, 1) == "Video call with Cathy Rogers"
    assert view.day_list.model().index(0, 1).data(Qt.FontRole).strikeOut()
    assert meetings.get(cathy_call.id).status == "cancelled"
    assert view.month.counts.get(cathy_call.starts_at.astimezone().date(), 0) == 0  # not marked as a meeting day
    window.undo_action.trigger()
    assert meetings.get(cathy_call.id).status == "planned"


def test_month_marks_days_and_agenda_lists_the_coming_weeks(window, qtbot):
    window.show_view(window.calendar_view)
    view = window.calendar_view
    today = clock.today()
    assert view.month.counts.get(today) == 1  # the sample's call with Cathy today
    view.agenda_button.click()
    titles = [view.agenda.text(n, 1) for n in range(view.agenda.row_count())]
    assert "Mentoring circle" in titles and "Lagos founders' call" in titles
    assert "Video call with Søren Nielsen" not in titles  # cancelled
    assert view.agenda.text(0, 0).startswith("Today")


def test_export_and_import_calendars_from_the_window(window, qtbot, tmp_path):
    dialog = ExportCalendarDialog([], window)
    qtbot.addWidget(dialog)
    out = tmp_path / "all.ics"
    assert dialog.export_to(out) == meetings.count()
    text = out.read_text()
    assert text.count("BEGIN:VEVENT") == meetings.count() and "SUMMARY:Video call with 太郎 山田" in text
    # Re-importing our own export changes nothing.
    assert ical.import_files([out]).summary()["unchanged"] == meetings.count()

    # An invitation as Outlook sends it: two guests, one of them already a contact.
    invitation = tmp_path / "invite.ics"
    invitation.write_text(
        "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nPRODID:Microsoft Exchange Server 2010\r\nVERSION:2.0\r\n"
        "BEGIN:VEVENT\r\nORGANIZER;CN=Me:mailto:me@example.com\r\n"
        "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=Dana Fox:mailto:dana.fox@example.org\r\n"
        "ATTENDEE;ROLE=REQ-PARTICIPANT;CN=Cathy Rogers:mailto:cathy@highcallingblogs.com\r\n"
        "SUMMARY;LANGUAGE=en-US:Workshop planning\r\nDTSTART;TZID=W. Europe Standard Time:20270112T150000\r\n"
        "DTEND;TZID=W. Europe Standard Time:20270112T160000\r\nUID:040000008200E00074C5B7101A82E008\r\n"
        "LOCATION;LANGUAGE=en-US:Microsoft Teams Meeting\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", encoding="utf-8")
    cathy = search.search("Cathy Rogers")[0]
    def report(box):
        box.accept()
        drive_dialog(qtbot, add_people, NewPeopleDialog)

    added = []

    def add_people(people):
        assert people.list.count() >= 1
        added.extend(people.chosen())
        people.accept()

    errors = drive_dialog(qtbot, report, QMessageBox)
    window.import_files([str(invitation)])
    assert not errors, errors
    assert [a.email for a in added] == ["dana.fox@example.org"]  # Cathy is known: not offered
    workshop = meetings.by_uid("040000008200E00074C5B7101A82E008")
    dana = meetings.contact_for_email("dana.fox@example.org")
    assert sorted(workshop.contact_ids) == sorted([cathy, dana])
    assert contacts.get_contact(dana).display_name == "Dana Fox"


def test_reminders_show_the_person_and_open_the_call_sheet(window, qtbot):
    cathy_call = next(m for m in meetings.all_meetings() if m.title == "Video call with Cathy Rogers")
    shown = []
    window.start_reminders()
    window.reminders.due.connect(shown.append)
    at = cathy_call.starts_at - dt.timedelta(minutes=10)
    found = window.reminders.check(at)
    assert [o.meeting.id for o in found] == [cathy_call.id]
    notices = [w for w in window.findChildren(ReminderNotice)]
    assert notices and "Savannah" in notices[-1].informativeText()
    assert "Video call with Cathy Rogers" in notices[-1].informativeText()
    assert meetings.describe_reminder(found[0], at).startswith("Video call with Cathy Rogers starts in 10 minutes")
    assert window.reminders.check(at + dt.timedelta(minutes=1)) == []  # each reminder once
    notice = notices[-1]
    assert "Show Details" not in [button.text() for button in notice.buttons()]  # where and agenda are in the text
    if cathy_call.location:
        assert f"Where: {cathy_call.location}" in notice.informativeText()
    if meetings.location_link(cathy_call.location).startswith("http"):
        assert notice.join_button is not None and notice.join_button.text() == "Join"
    with clock.frozen(at, clock.local_zone()):  # snoozed at the reminder's time
        notice.snooze_button.click()
    assert window.reminders.check(at + dt.timedelta(minutes=4)) == []
    again = window.reminders.check(at + dt.timedelta(minutes=6))  # five minutes after the snooze
    assert [o.meeting.id for o in again] == [cathy_call.id] and len(shown) == 2
    assert window.reminders.check(at + dt.timedelta(minutes=7)) == []
    for notice in window.findChildren(ReminderNotice):
        notice.close()


def test_today_lists_todays_meetings_and_opens_them(window, qtbot):
    window.show_today()
    labels = [label.text() for label in window.today_page.findChildren(type(window.count_label))]
    assert any("Video call with Cathy Rogers" in text for text in labels)
    cathy_call = next(m for m in meetings.all_meetings() if m.title == "Video call with Cathy Rogers")
    window.today_page.open_meeting.emit(cathy_call.id)
    assert window.views.currentWidget() is window.calendar_view
    assert window.calendar_view.day_list.current_id() == cathy_call.id


def test_one_occurrence_of_a_series_is_changed_or_deleted_alone_and_undone(window, qtbot):
    """Right-click an occurrence of a series: "Edit this meeting only" makes a changed occurrence
    (RECURRENCE-ID) that shows instead; "Delete this meeting only" adds an EXDATE; both undo."""
    first = dt.datetime.combine(next_monday(9).date(), dt.time(9), ZoneInfo("Europe/Berlin"))
    series_id = meetings.save(meetings.MeetingRecord("Stand-up", first, first + dt.timedelta(minutes=15),
                                                     time_zone="Europe/Berlin",
                                                     recurrence="FREQ=WEEKLY;BYDAY=MO,WE"))
    series = meetings.get(series_id)
    span = (first - dt.timedelta(hours=1), first + dt.timedelta(days=14))

    def starts():
        return [o.starts_at for o in meetings.occurrences(*span) if o.meeting.title.startswith("Stand-up")]

    before = starts()
    assert len(before) == 4  # Monday, Wednesday, Monday, Wednesday
    wednesday = before[1]

    def later(editor):
        assert editor.title.text() == "Stand-up"
        editor.title.setText("Stand-up (late)")
        editor._set_start(wednesday + dt.timedelta(hours=2))
        editor.buttons.button(editor.buttons.StandardButton.Save).click()

    errors = drive_dialog(qtbot, later, MeetingEditor)
    window.edit_occurrence(series, wednesday)
    assert not errors, errors
    now = [(o.meeting.title, o.starts_at) for o in meetings.occurrences(*span) if o.meeting.uid == series.uid]
    assert ("Stand-up (late)", wednesday + dt.timedelta(hours=2)) in now and ("Stand-up", wednesday) not in now
    assert len(now) == 4
    window.undo_action.trigger()
    assert starts() == before

    window.delete_occurrence(series, before[2])
    assert starts() == [before[0], before[1], before[3]]
    assert meetings.get(series_id).recurrence == "FREQ=WEEKLY;BYDAY=MO,WE"  # the rule itself is untouched
    window.undo_action.trigger()
    assert starts() == before


def test_editing_a_series_keeps_a_rule_the_editor_cannot_show(qtbot, sample_notebook):
    first = dt.datetime.combine(next_monday(9).date(), dt.time(9), ZoneInfo("Europe/Berlin"))
    record = meetings.MeetingRecord("Stand-up", first, first + dt.timedelta(minutes=15), time_zone="Europe/Berlin",
                                    recurrence="FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10",
                                    exdates=[first + dt.timedelta(days=7)])
    meetings.save(record)
    editor = MeetingEditor(meetings.get(record.id))
    qtbot.addWidget(editor)
    editor.title.setText("Daily stand-up")
    after = editor.record()
    assert after.recurrence == "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10" and after.exdates == record.exdates


def test_an_all_day_meeting_is_on_its_date_not_at_hours(window, qtbot):
    day = clock.today()
    start = dt.datetime.combine(day, dt.time(0), dt.UTC)  # all-day: the date at 00:00 UTC
    holiday = meetings.save(meetings.MeetingRecord("Midsummer holiday", start, start + dt.timedelta(days=1),
                                                   kind="in_person", all_day=True))
    window.show_view(window.calendar_view)
    view = window.calendar_view
    view.go_to(day)
    view.refresh()
    rows = {view.day_list.text(n, 1): view.day_list.text(n, 0) for n in range(view.day_list.row_count())}
    assert rows["Midsummer holiday"] == "All day"
    assert [o.meeting.id for o in view.week.grid.all_day] == [holiday]  # in the strip under the day names
    assert all(block.occurrence.meeting.id != holiday for block in view.week.grid.blocks)


def test_this_and_following_splits_the_series_and_undoes(window, qtbot):
    first = dt.datetime.combine(next_monday(9).date(), dt.time(9), ZoneInfo("Europe/Berlin"))
    series_id = meetings.save(meetings.MeetingRecord("Stand-up", first, first + dt.timedelta(minutes=15),
                                                     time_zone="Europe/Berlin", recurrence="FREQ=WEEKLY;COUNT=6"))
    series = meetings.get(series_id)
    span = (first - dt.timedelta(hours=1), first + dt.timedelta(days=60))

    def seen():
        return [(o.meeting.title, o.starts_at) for o in meetings.occurrences(*span)
                if o.meeting.title.startswith("Stand-up")]

    before = seen()
    assert len(before) == 6
    third = before[2][1]

    def later(editor):
        editor.title.setText("Stand-up, new format")
        editor.buttons.button(editor.buttons.StandardButton.Save).click()

    errors = drive_dialog(qtbot, later, MeetingEditor)
    window.edit_following(series, third)
    assert not errors, errors
    assert seen() == before[:2] + [("Stand-up, new format", when) for _title, when in before[2:]]  # COUNT kept
    window.undo_action.trigger()
    assert seen() == before

    window.delete_following(series, third)
    assert seen() == before[:2]
    window.undo_action.trigger()
    assert seen() == before


def test_the_editor_plans_an_all_day_meeting_and_a_floating_one(qtbot, sample_notebook):
    day = next_monday().date()
    editor = MeetingEditor(None, [], next_monday(10))
    qtbot.addWidget(editor)
    editor.title.setText("Conference")
    editor.all_day.setChecked(True)
    editor.days.setValue(2)
    assert editor.days.isVisibleTo(editor) and not editor.duration.isVisibleTo(editor)
    assert not editor.zone.isEnabled() and editor.start.displayFormat() == "ddd d MMM yyyy"
    assert not editor.both_label.isVisibleTo(editor)  # no "00:00 here, 19:00 in Savannah"
    record = editor.record()
    assert record.all_day and record.time_zone == "" and not record.problems()
    assert (record.starts_at, record.ends_at) == (dt.datetime.combine(day, dt.time(0), dt.UTC),
                                                  dt.datetime.combine(day + dt.timedelta(days=2), dt.time(0), dt.UTC))
    assert meetings.warnings(record) == []  # no hour to warn about
    saved = meetings.get(meetings.save(record))
    again = MeetingEditor(saved)  # and it opens as it was saved
    qtbot.addWidget(again)
    assert again.all_day.isChecked() and again.days.value() == 2 and again.record().starts_at == record.starts_at

    floating = MeetingEditor(None, [], next_monday(9))
    qtbot.addWidget(floating)
    floating.title.setText("Stretch")
    floating.zone.setCurrentText("Floating: this clock time wherever I am")
    floating.start.setTime(dt.time(9))
    record = floating.record()
    assert record.floating and record.starts_at == dt.datetime.combine(day, dt.time(9), dt.UTC)
    for zone in ("Asia/Tokyo", "America/Chicago"):  # 09:00 wherever the user is
        with clock.frozen(clock.now(), ZoneInfo(zone)):
            assert meetings.shown(record).starts_at.astimezone(ZoneInfo(zone)).time() == dt.time(9)


def test_the_call_sheet_of_a_series_is_of_its_occurrence_and_an_all_day_one_says_so(sample_notebook):
    from model import callsheet

    cathy = search.search("Cathy Rogers")[0]
    first = next_monday(9).astimezone(ZoneInfo("Europe/Berlin"))
    series = meetings.save(meetings.MeetingRecord("Weekly with Cathy", first, first + dt.timedelta(minutes=30),
                                                  time_zone="Europe/Berlin", recurrence="FREQ=WEEKLY;COUNT=10",
                                                  attendees=[meetings.Attendee(cathy, "Cathy Rogers")]))
    third = (first + dt.timedelta(weeks=2)).astimezone()
    sheet = callsheet.for_meeting(series, on=third.date())
    assert sheet.meeting.when_here.startswith(f"{third:%A} {third.day} {third:%B %Y, %H:%M}")
    # a month from now, the next one is printed, not the first
    later = first + dt.timedelta(weeks=4, days=1)
    upcoming = meetings.next_meeting(cathy, later)
    assert upcoming.meeting.id == series and upcoming.starts_at == first + dt.timedelta(weeks=5)
    day = next_monday().date() + dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(0), dt.UTC)
    retreat = meetings.save(meetings.MeetingRecord("Retreat", start, start + dt.timedelta(days=2), kind="in_person",
                                                   all_day=True))
    local = dt.datetime.combine(day, dt.time(0), clock.local_zone())
    second = local + dt.timedelta(days=1)
    assert callsheet.for_meeting(retreat).meeting.when_here == \
        f"{local:%A} {local.day} {local:%B %Y} to {second:%A} {second.day} {second:%B}, all day"
    (occurrence,) = [o for o in meetings.occurrences(local, local + dt.timedelta(hours=1)) if o.meeting.id == retreat]
    assert meetings.describe_reminder(occurrence, local - dt.timedelta(hours=3)) == "Retreat is tomorrow, all day."


def test_a_dragged_series_keeps_its_skipped_week_and_undoes_in_one_step(window, qtbot):
    first = dt.datetime.combine(next_monday(9).date(), dt.time(9), ZoneInfo("Europe/Berlin"))
    series_id = meetings.save(meetings.MeetingRecord("Stand-up", first, first + dt.timedelta(minutes=15),
                                                     time_zone="Europe/Berlin", recurrence="FREQ=WEEKLY;COUNT=4"))
    window.delete_occurrence(meetings.get(series_id), first + dt.timedelta(days=7))
    span = (first - dt.timedelta(days=1), first + dt.timedelta(days=40))

    def days():
        return [f"{o.starts_at.astimezone(ZoneInfo('Europe/Berlin')):%d %H:%M}" for o in meetings.occurrences(*span)
                if o.meeting.title == "Stand-up"]

    before = days()
    assert len(before) == 3
    window.move_meeting(series_id, dt.timedelta(hours=2))  # what a drag in the week view does
    assert [when[:2] for when in days()] == [when[:2] for when in before]  # the skipped week stays skipped
    assert {when[3:] for when in days()} == {"11:00"}
    window.undo_action.trigger()
    assert days() == before


def test_the_editor_offers_reminders_that_suit_the_meeting_and_keeps_an_imported_one(qtbot, sample_notebook):
    editor = MeetingEditor(None, [], next_monday(10))
    qtbot.addWidget(editor)
    assert editor.reminder.currentText() == "15 minutes before"
    editor.all_day.setChecked(True)  # 15 minutes before midnight would wake nobody: 09:00 on the day
    assert editor.reminder.currentText() == "On the day at 09:00"
    assert "The day before at 09:00" in [editor.reminder.itemText(i) for i in range(editor.reminder.count())]
    assert editor.record().reminder_minutes == -540
    editor.all_day.setChecked(False)
    assert editor.reminder.currentText() == "15 minutes before"

    start = next_monday(10).astimezone(dt.UTC)
    imported = meetings.get(meetings.save(meetings.MeetingRecord("Imported", start, start + dt.timedelta(hours=1),
                                                                 reminder_minutes=10)))
    again = MeetingEditor(imported)
    qtbot.addWidget(again)
    assert again.reminder.currentText() == "10 minutes before" and again.record().reminder_minutes == 10


def test_past_and_unmarked_meetings_look_different_and_today_drops_what_is_over(window, qtbot):
    # Mid-afternoon where the test runs: three hours earlier and an hour later are both today
    # (run at 01:00, "three hours ago" was yesterday and the meeting not on today's list).
    with clock.frozen(dt.datetime.combine(clock.today(), dt.time(15), clock.local_zone())):
        _past_and_unmarked(window)


def _past_and_unmarked(window):
    now = clock.now()
    day = clock.today()  # the local day (now.date() is UTC's: a day off in Pago Pago)
    earlier = now - dt.timedelta(hours=3)

    def plan(title, start, **fields):
        return meetings.save(meetings.MeetingRecord(title, start.astimezone(dt.UTC),
                                                    (start + dt.timedelta(minutes=30)).astimezone(dt.UTC), **fields))

    unmarked = plan("Call with Ana", earlier)
    plan("Morning stretch", earlier, recurrence="FREQ=DAILY")
    coming = plan("Call with Ben", now + dt.timedelta(hours=1))
    found = {o.meeting.title: meetings.state_of(o, now) for o in meetings.on_days(day)}
    assert (found["Call with Ana"], found["Morning stretch"], found["Call with Ben"]) == ("unmarked", "over", "planned")

    window.show_view(window.calendar_view)
    view = window.calendar_view
    view.go_to(day)
    view.refresh()
    day_list = view.day_list
    rows = {day_list.meeting_id(n): n for n in range(day_list.row_count())}
    model = day_list.meeting_model
    assert day_list.text(rows[unmarked], 1).endswith("· not marked done")
    assert model.index(rows[unmarked], 1).data(Qt.FontRole).italic()
    assert model.index(rows[unmarked], 1).data(Qt.ForegroundRole) == model.dim
    assert model.index(rows[coming], 1).data(Qt.ForegroundRole) is None  # the coming one as it always was
    assert "not marked done" in model.index(rows[unmarked], 0).data(Qt.ToolTipRole)
    grid = view.week.grid
    block = next(b for b in grid.blocks if b.occurrence.meeting.id == unmarked)
    assert "not marked done" in grid.tooltip_at(block.rect.center().toPoint())

    window.show_today()
    text = " ".join(label.text() for label in window.today_page.findChildren(type(window.count_label)))
    assert "Call with Ana</a> (over: how did it go?)" in text and "Call with Ben" in text
    # A series' occurrence that is over: nothing left to do (tomorrow's is still there).
    assert f"Today {earlier.astimezone():%H:%M}&nbsp; Morning stretch" not in text
    assert f"Tomorrow {earlier.astimezone():%H:%M}&nbsp; Morning stretch" in text


def test_a_drag_to_a_bad_hour_there_warns_as_the_editor_does(window, qtbot):
    cathy = search.search("Cathy Rogers")[0]  # in Savannah
    starts = dt.datetime.combine(next_monday().date(), dt.time(14), ZoneInfo("America/New_York"))  # a Monday there
    meeting_id = meetings.save(meetings.MeetingRecord("Call with Cathy", starts.astimezone(dt.UTC),
                                                      (starts + dt.timedelta(minutes=30)).astimezone(dt.UTC),
                                                      attendees=[meetings.Attendee(cathy)]))
    window.move_meeting(meeting_id, dt.timedelta(hours=8))  # 22:00 in Savannah
    message = window.statusBar().currentMessage()
    assert message.startswith("Moved “Call with Cathy”") and "22:00" in message and "for Cathy Rogers" in message
    assert meetings.warnings(meetings.get(meeting_id))[0] in message  # the editor's very words
    window.undo_action.trigger()
    window.move_meeting(meeting_id, dt.timedelta(hours=1))  # 15:00 there: nothing to say
    assert "for Cathy Rogers" not in window.statusBar().currentMessage()


def test_the_editor_lists_zones_by_city_and_offset_with_the_persons_first(qtbot, sample_notebook):
    cathy = search.search("Cathy Rogers")[0]  # in Savannah: America/New_York
    editor = MeetingEditor(None, [cathy])
    qtbot.addWidget(editor)
    zones = [editor.zone.itemData(row) for row in range(editor.zone.count())]
    labels = [editor.zone.itemText(row) for row in range(editor.zone.count())]
    theirs = zones.index("America/New_York")
    assert theirs < zones.index(FLOATING)  # among the likely ones, before the floating time and the rest
    assert re.fullmatch(r"(Savannah — )?New York, UTC−[45]", labels[theirs])
    rest = labels[zones.index(FLOATING) + 1:]
    assert rest == sorted(rest, key=lambda label: label.split(",")[0]) and len(rest) > 300  # every zone, by city
    assert "Kolkata, UTC+5:30" in labels and not any("_" in label or "/" in label for label in rest)
    for typed, zone in (("Kolkata, UTC+5:30", "Asia/Kolkata"), ("kolkata", "Asia/Kolkata"),
                        ("Europe/Berlin", "Europe/Berlin"), ("W. Europe Standard Time", "Europe/Berlin")):
        editor.zone.setEditText(typed)
        assert editor._zone_name() == zone, typed


def test_the_month_view_shows_each_days_meetings_as_lines_and_counts_the_rest(window, qtbot):
    window.show_view(window.calendar_view)
    view = window.calendar_view
    window.resize(1024, 700)
    view.month_button.click()
    grid = view.month_grid
    assert view.right.currentWidget() is grid and view.range_label.text() == f"{clock.today():%B %Y}"
    assert window.minimumSizeHint().width() <= 910 and window.width() == 1024  # a small screen still fits
    starts = next_monday(9)
    for n in range(9):  # more than a day's box holds at 1024×700
        begins = starts + dt.timedelta(minutes=30 * n)
        meetings.save(meetings.MeetingRecord(f"Stand-up {n}", begins.astimezone(dt.UTC),
                                             (begins + dt.timedelta(minutes=15)).astimezone(dt.UTC)))
    view.go_to(starts.date())
    view.refresh()
    titles, more = grid.shown_on(starts.date())
    on_the_day = [o.meeting.title for o in meetings.on_days(starts.date())]  # in time order
    assert titles == on_the_day[:len(titles)] and more == len(on_the_day) - len(titles) > 0
    assert titles[0] == "Stand-up 0"
    line = next(line for line in grid.lines if line.day == starts.date())
    assert grid.line_at(line.rect.center().toPoint()) is line
    assert "09:00–09:15  Stand-up 0" in occurrence_tooltip(line.occurrence)
    cathy_call = [o for o in meetings.on_days(clock.today()) if "Cathy" in o.meeting.title]
    view.go_to(clock.today())
    assert any("Cathy" in title for title in grid.shown_on(clock.today())[0]) == bool(cathy_call)
    # The next month, by the arrow, and back.
    month = clock.today().month
    view.next_button.click()
    assert view.selected_date().month == month % 12 + 1 and grid.month == month % 12 + 1
    view.previous_button.click()
    assert view.selected_date().month == grid.month == month


def test_drag_in_the_month_view_moves_a_meeting_by_days_and_undo_brings_it_back(window, qtbot):
    window.show_view(window.calendar_view)
    view = window.calendar_view
    window.resize(1280, 820)
    view.month_button.click()
    starts = next_monday(14)
    meeting_id = meetings.save(meetings.MeetingRecord("Lunch with Heather", starts.astimezone(dt.UTC),
                                                      (starts + dt.timedelta(hours=1)).astimezone(dt.UTC)))
    view.go_to(starts.date())
    view.refresh()
    grid = view.month_grid
    line = next(line for line in grid.lines if line.occurrence.meeting.id == meeting_id)
    grab = line.rect.center().toPoint()
    target = grid.cell_rect(starts.date() + dt.timedelta(days=2)).center().toPoint()  # to Wednesday
    qtbot.mousePress(grid, Qt.LeftButton, pos=grab)
    qtbot.mouseMove(grid, grab + QPoint(10, 0))
    qtbot.mouseMove(grid, target)
    qtbot.mouseRelease(grid, Qt.LeftButton, pos=target)
    assert meetings.get(meeting_id).starts_at == (starts + dt.timedelta(days=2)).astimezone(dt.UTC)  # same hour
    assert "Lunch with Heather" in grid.shown_on(starts.date() + dt.timedelta(days=2))[0]
    window.undo_action.trigger()
    assert meetings.get(meeting_id).starts_at == starts.astimezone(dt.UTC)
    # A double-click on a meeting opens it; on an empty part of a day, plans one on that day.
    asked = []
    view.new_requested.disconnect()
    view.new_requested.connect(asked.append)
    empty = grid.cell_rect(starts.date() + dt.timedelta(days=3)).center().toPoint()
    qtbot.mouseDClick(grid, Qt.LeftButton, pos=empty)
    assert asked and asked[0].date() == starts.date() + dt.timedelta(days=3)


def test_the_chosen_views_button_stands_out_in_light_and_dark_palettes(qtbot):
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QPushButton

    from gui.calendar_view import _mark_chosen
    from gui.widgets.palette import contrast

    for window, button_colour, text, highlight in (("#efefef", "#efefef", "#000000", "#308cc6"),
                                                   ("#2a2e32", "#31363b", "#fcfcfc", "#3daee9")):
        palette = QPalette()
        for role, colour in ((QPalette.ColorRole.Window, window), (QPalette.ColorRole.Button, button_colour),
                             (QPalette.ColorRole.ButtonText, text), (QPalette.ColorRole.Highlight, highlight),
                             (QPalette.ColorRole.HighlightedText, "#ffffff")):
            palette.setColor(role, QColor(colour))
        chosen, other = QPushButton("Week"), QPushButton("Agenda")
        for button in (chosen, other):
            qtbot.addWidget(button)
            button.setPalette(palette)
        _mark_chosen(chosen, True)
        _mark_chosen(other, False)
        shown = chosen.palette()
        fill, ink = shown.color(QPalette.ColorRole.Button), shown.color(QPalette.ColorRole.ButtonText)
        assert contrast(ink, fill) >= 4.5
        assert contrast(fill, other.palette().color(QPalette.ColorRole.Button)) > 1.5  # not the same as the others
        assert chosen.font().bold() or chosen.font().weight() > other.font().weight()


def test_preferences_start_the_week_on_sunday_and_set_the_usual_reminder(window, qtbot, tmp_path, monkeypatch):
    from gui.month_grid import MonthGrid
    from gui.preferences_dialog import PreferencesDialog
    from model import preferences

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    preferences.forget()
    try:
        dialog = PreferencesDialog(window)
        qtbot.addWidget(dialog)
        assert dialog.zone.zone() == "" and dialog.zone.itemText(0).startswith("This computer's")
        dialog.first_day.setCurrentIndex(6)
        dialog.reminder.setCurrentIndex(dialog.reminder.findData(30))
        dialog.hours_to.setTime(dialog.hours_from.time())  # ends when it starts: refused, said
        dialog.accept()
        assert "end after" in dialog.problem.text() and dialog.result() != dialog.DialogCode.Accepted
        assert preferences.current().first_day == 0
        dialog.hours_to.setTime(dialog.hours_from.time().addSecs(4 * 3600))
        dialog.accept()
        assert preferences.current().first_day == 6 and preferences.current().reminder == 30
        window.show_view(window.calendar_view)
        window.preferences_changed()
        view = window.calendar_view
        assert view.month.firstDayOfWeek() == Qt.Sunday
        assert view.week.grid.week_start.weekday() == 6
        assert MonthGrid.grid_start(clock.today()).weekday() == 6
        editor = MeetingEditor()
        qtbot.addWidget(editor)
        assert editor.reminder.currentData() == 30
    finally:
        preferences.forget()


def test_exporting_a_choice_with_no_meetings_says_so_before_asking_for_a_file(window, qtbot, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    told, asked = [], []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: told.append(text))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *arguments: asked.append(arguments) or ("", ""))
    dialog = ExportCalendarDialog([], window)
    qtbot.addWidget(dialog)
    dialog.first.setDate(dialog.first.date().addYears(-30))
    dialog.last.setDate(dialog.first.date().addDays(1))  # a range in the 1990s: nothing there
    dialog.accept()
    assert told == ["There are no meetings to export in that choice."] and asked == []
    dialog.everything.setChecked(True)  # the sample's meetings: on to the file
    dialog.accept()
    assert len(told) == 1 and len(asked) == 1
    for meeting in meetings.all_meetings():
        meetings.delete([meeting.id])
    dialog.accept()
    assert len(told) == 2 and len(asked) == 1
