"""The window keeps the user's place (issue 20): the selection survives logging and undo with a
search active, Return in the search opens the best match, and Ctrl+E works from the search field."""

from PySide6.QtCore import QPoint, Qt

from gui.contact_editor import ContactEditor
from gui.undo_commands import LogExchange
from model import clock
from model.history import InteractionRecord
from tests.gui.conftest import drive_dialog, shown_names


def _search(window, qtbot, text):
    window.contact_list.search_field.setText(text)
    qtbot.waitUntil(lambda: window.contact_list.model.search_text == text, timeout=5000)


def test_the_selection_survives_logging_and_undo_with_a_search_active(window, qtbot):
    _search(window, qtbot, "Groves")
    names = shown_names(window)
    assert len(names) >= 2
    second = window.contact_list.model.index(1).data(window.contact_list.model.IdRole)
    window.contact_list.select(second)
    window.undo_stack.push(LogExchange(InteractionRecord(second, "phone", clock.now(), "out", 10), [second], [],
                                       window._changed))
    assert window.contact_list.current_id() == second
    window.undo_stack.undo()
    assert window.contact_list.current_id() == second
    window.undo_stack.redo()
    assert window.contact_list.current_id() == second


def test_return_in_the_search_opens_the_best_match(window, qtbot):
    window.contact_list.focus_search()
    qtbot.keyClicks(window.contact_list.search_field, "Cheryl")
    qtbot.keyClick(window.contact_list.search_field, Qt.Key_Return)
    assert window.contact_list.model.search_text == "Cheryl"
    assert window.contact_page.name_label.full_text() == "Cheryl Lopata"
    assert window.contact_list.view.hasFocus()


def test_ctrl_e_edits_the_person_while_the_search_field_has_focus(window, qtbot):
    _search(window, qtbot, "Cheryl")
    window.contact_list.select(window.contact_list.model.index(0).data(window.contact_list.model.IdRole))
    window.contact_list.focus_search()
    seen = []
    errors = drive_dialog(qtbot, lambda dialog: (seen.append(dialog.windowTitle()), dialog.reject()), ContactEditor)
    qtbot.keyClick(window.contact_list.search_field, Qt.Key_E, Qt.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen) or bool(errors), timeout=5000)
    assert not errors and seen
    assert window.contact_list.search_field.text() == "Cheryl"  # and the search is as it was


def test_every_view_follows_the_notebook_opened(window, qtbot, tmp_path):
    window.show_view(window.calendar_view)
    today = clock.today()
    assert window.calendar_view.month.counts.get(today) == 1  # the sample's call today
    assert window.open_notebook_file(tmp_path / "mine.rapport")
    assert not window.calendar_view.month.counts.get(today)  # not the sample's meetings any more
    assert shown_names(window) == []


def test_recent_notebooks_the_sample_and_the_way_back_to_ones_own(window, qtbot, tmp_path):
    from model import storage

    first, second = tmp_path / "first.rapport", tmp_path / "second.rapport"
    assert window.open_notebook_file(first) and window.open_notebook_file(second)
    window._fill_recent()
    entries = [action.text() for action in window.recent_menu.actions()]
    assert entries[0].startswith("first.rapport") and not any(e.startswith("second.rapport") for e in entries)
    window.recent_menu.actions()[0].trigger()
    assert window.notebook.path == first
    window.open_sample()
    assert "(a sample, not your notebook)" in window.windowTitle()
    assert window.my_notebook_action.isEnabled()
    window.my_notebook_action.trigger()
    assert window.notebook.path == storage.default_notebook_path() and "sample" not in window.windowTitle()
    assert not window.my_notebook_action.isEnabled()


def test_the_sample_has_a_call_coming_up_at_any_hour_and_no_missed_reminder(tmp_path):
    import datetime as dt

    from model import meetings
    from model.sample import build_sample_notebook

    zone = dt.timezone(dt.timedelta(hours=-5))
    for hour in (0, 9, 16, 19, 22, 23):
        moment = dt.datetime(2026, 12, 2, hour, 40, tzinfo=zone)
        with clock.frozen(moment, zone):
            notebook = build_sample_notebook(tmp_path / f"sample-{hour}.rapport")
            try:
                upcoming = meetings.upcoming(clock.now(), 2)
                first = min(o.starts_at for o in upcoming)
                assert dt.timedelta(0) < first - moment <= dt.timedelta(hours=15), hour  # soon, or tomorrow morning
                assert not [o for o in meetings.on_days(clock.today()) if o.starts_at < moment
                            and o.meeting.status == "planned"], hour  # nothing already missed today
                assert meetings.due_reminders(clock.now()) == [], hour  # so no reminder on opening
            finally:
                notebook.close()


def test_the_sample_shows_someone_overdue_and_a_birthday_this_week_whatever_the_day(tmp_path):
    """What Today shows of the sample on any day of the year (issue 20: the demo always shows every
    feature): someone past their keep-in-touch cadence, and a birthday in the next seven days."""
    import datetime as dt

    from model import history
    from model.sample import build_sample_notebook

    for day in (dt.date(2026, 12, 2), dt.date(2027, 2, 26), dt.date(2027, 7, 14)):
        with clock.frozen(dt.datetime.combine(day, dt.time(10), dt.UTC), dt.UTC):
            notebook = build_sample_notebook(tmp_path / f"sample-{day}.rapport")
            try:
                assert [line.display_name for line in history.overdue()] == ["Tom Becker"], day
                assert "Hannah Schmidt" in [line.display_name for line in history.birthdays(day)], day
            finally:
                notebook.close()


def test_esc_in_the_contact_editor_asks_before_throwing_typing_away(sample_notebook, qtbot):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from model import contacts

    record = next(r for r in contacts.iter_contacts() if r.display_name == "Cheryl Lopata")
    editor = ContactEditor(record)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.keyClick(editor, Qt.Key_Escape)  # nothing typed: closes at once
    assert not editor.isVisible()
    editor = ContactEditor(record)
    qtbot.addWidget(editor)
    editor.show()
    editor.fields["title"].setText("Chief of Everything")
    answers = []

    def answer(choice):
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        answers.append(box.text())
        next(b for b in box.buttons() if b.text() == choice).click()

    QTimer.singleShot(50, lambda: answer("Keep editing"))
    qtbot.keyClick(editor, Qt.Key_Escape)
    assert editor.isVisible() and editor.fields["title"].text() == "Chief of Everything"
    QTimer.singleShot(50, lambda: answer("Discard"))
    qtbot.keyClick(editor, Qt.Key_Escape)
    assert not editor.isVisible() and answers == ["You have changed this person. Discard your changes?"] * 2


def test_the_calendar_fits_a_small_screen_and_its_chips_say_everything_in_a_tooltip(window, qtbot):
    window.resize(1024, 700)
    window.show_view(window.calendar_view)
    qtbot.waitUntil(lambda: window.calendar_view.week.grid.blocks != [], timeout=5000)
    assert window.minimumSizeHint().width() <= 910  # it was 1062 px once the calendar had been shown
    assert window.width() == 1024
    grid = window.calendar_view.week.grid
    mentoring = next(b for b in grid.blocks if b.occurrence.meeting.title == "Mentoring circle")
    tip = grid.tooltip_at(mentoring.rect.center().toPoint())
    assert "Mentoring circle" in tip and "Priya Sharma" in tip and "Arjun Mehta" in tip
    assert grid.tooltip_at(QPoint(1, 1)) == ""


def test_tab_leaves_the_contact_list(window, qtbot):
    window.show_view(window.splitter)
    window.contact_list.select(None)
    window.contact_list.view.setFocus()
    before = window.contact_list.current_id()
    qtbot.keyClick(window.contact_list.view, Qt.Key_Tab)
    assert window.contact_list.current_id() == before  # Tab did not move to the next person
    assert not window.contact_list.view.hasFocus()


def test_a_new_call_starts_inside_the_persons_hours_by_the_way_you_reach_them(sample_notebook, qtbot):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from gui.meeting_editor import MeetingEditor
    from model import places, search

    berlin, new_york = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
    # 10:00 on a Wednesday in Berlin is 04:00 in Savannah: the first good half hour is their 09:00.
    wednesday = dt.datetime(2026, 12, 2, 10, 0, tzinfo=berlin)
    slot = places.next_call_slot("America/New_York", "", wednesday, my_zone=berlin)
    assert slot.astimezone(new_york).strftime("%a %H:%M") == "Wed 09:00"
    assert slot.astimezone(berlin).strftime("%H:%M") == "15:00"
    # Friday evening here: not at the weekend there, so Monday.
    friday = dt.datetime(2026, 12, 4, 20, 45, tzinfo=berlin)
    slot = places.next_call_slot("America/New_York", "10:00-12:00", friday, my_zone=berlin)
    assert slot.astimezone(new_york).strftime("%a %H:%M") == "Mon 10:00"

    cathy = search.search("Cathy Rogers")[0]
    editor = MeetingEditor(None, [cathy])
    qtbot.addWidget(editor)
    assert editor.kind.currentData() in ("phone", "video")
    if editor.kind.currentData() == "phone":
        assert editor.location.text() == "+1 912 555 0143"
    there = editor.record().starts_at.astimezone(new_york)
    assert there.weekday() < 5 and dt.time(9) <= there.time() <= dt.time(17, 30)
    from model import meetings

    assert meetings.warnings(editor.record()) == []  # no warning about its own default (it was 05:00 there)


def test_logging_the_planned_call_offers_to_mark_the_meeting_done(window, qtbot):
    from gui.log_dialog import LogDialog
    from model import history, meetings, search

    cathy = search.search("Cathy Rogers")[0]
    [planned] = [m for m in meetings.for_contact(cathy) if m.status == "planned" and not m.recurrence]
    offered = []

    def log(dialog):
        dialog.channel_box.setCurrentIndex(dialog.channel_box.findData("linkedin"))
        assert dialog.planned_box.isHidden()  # a message is not the call
        dialog.channel_box.setCurrentIndex(dialog.channel_box.findData("video"))
        assert not dialog.planned_box.isHidden() and dialog.planned_box.isChecked()
        # Its line is read whole: the dialog grows for it (it was cut off at "mark i").
        assert dialog.planned_box.width() >= dialog.planned_box.sizeHint().width()
        offered.append(dialog.planned_box.text())
        dialog.accept()

    errors = drive_dialog(qtbot, log, LogDialog)
    window.log_exchange([cathy])
    assert not errors, errors
    assert planned.title in offered[0]
    assert meetings.get(planned.id).status == "done"
    entry = history.history(cathy)[0]
    assert entry.meeting_id == planned.id and entry.channel_key == "video"
    assert [e.meeting_id for e in history.history(cathy)].count(planned.id) == 1  # one entry, not two
    assert "marked done" in window.statusBar().currentMessage()
    window.undo_stack.undo()
    assert meetings.get(planned.id).status == "planned"
    assert planned.id not in [e.meeting_id for e in history.history(cathy)]


def test_where_the_two_days_never_meet_the_call_is_in_their_hours():
    import datetime as dt
    from zoneinfo import ZoneInfo

    from model import places

    sydney, new_york = ZoneInfo("Australia/Sydney"), ZoneInfo("America/New_York")
    # June: Sydney 08:00-21:00 is New York's 18:00-07:00, outside their 09:00-18:00 every day.
    now = dt.datetime(2026, 6, 10, 10, 0, tzinfo=sydney)
    slot = places.next_call_slot("America/New_York", "", now, my_zone=sydney)
    assert slot.astimezone(new_york).strftime("%a %H:%M") == "Wed 09:00"


def test_every_channel_bar_stands_out_in_light_and_dark_palettes():
    from PySide6.QtGui import QColor

    from gui.widgets.channel_icon import channel_colour
    from gui.widgets.palette import contrast, visible_on
    from model.migrations import BUILT_IN_CHANNELS

    for background in (QColor("#ffffff"), QColor("#efefef"), QColor("#1e1e1e"), QColor("#2d2d2d")):
        for key, name, _step in BUILT_IN_CHANNELS:
            shown = visible_on(channel_colour(key, name), background)
            assert contrast(shown, background) >= 3.0, (key, background.name())
    assert contrast(QColor("#14171a"), QColor("#1e1e1e")) < 1.2  # X's own colour: invisible in the dark


def test_initials_are_of_the_given_and_family_names():
    from gui.widgets.avatar import initials

    assert initials("Mr. John Doe Sr.") == "JD"  # no titles, no suffixes
    assert initials("Dr Ana María López García PhD") == "AG"
    assert initials("Someone", given="Ana", family="López") == "AL"
    assert initials("山田 太郎", given="太郎", family="山田") == "山"  # a script without capitals: one character
    assert initials("Ελένη Παππά", given="Ελένη", family="Παππά") == "ΕΠ"
    assert initials("Cher") == "CH" and initials("") == "?"


def test_the_list_shows_a_persons_photo_and_initials_otherwise(window, qtbot):
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    from model import contacts, search

    image = QImage(64, 64, QImage.Format_RGB32)
    image.fill(QColor("#00c000"))  # a green no avatar colour has
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    cathy = search.search("Cathy Rogers")[0]
    record = contacts.get_contact(cathy)
    record.photo, record.photo_type = bytes(data), "image/png"
    contacts.update_contact(record)
    window.contact_list.refresh()
    _search(window, qtbot, "Rogers")
    view = window.contact_list.view
    rect = view.visualRect(window.contact_list.model.index(0))
    middle = QPoint(rect.left() + 8 + 17, rect.center().y())  # the avatar's centre

    def colour_at_avatar():
        return view.viewport().grab().toImage().pixelColor(middle)

    qtbot.waitUntil(lambda: colour_at_avatar().green() > 150 and colour_at_avatar().red() < 60, timeout=3000)
    record.photo = None
    contacts.update_contact(record)
    window.contact_list.refresh()
    qtbot.waitUntil(lambda: colour_at_avatar().green() < 150 or colour_at_avatar().red() > 60, timeout=3000)


def test_second_lines_and_tag_chips_read_at_4_5_to_1_in_light_and_dark_palettes():
    from PySide6.QtGui import QColor, QPalette

    from gui.widgets.palette import chip_colours, contrast, mix, quiet_text

    def palette(window, base, text, placeholder):
        made = QPalette()
        for role, colour in ((QPalette.Window, window), (QPalette.Base, base), (QPalette.WindowText, text),
                             (QPalette.Text, text), (QPalette.PlaceholderText, placeholder)):
            made.setColor(role, QColor(colour))
        return made

    half_white = QColor(255, 255, 255, 128)  # Qt's own placeholder: the text at half strength
    palettes = [palette("#efefef", "#ffffff", "#000000", "#7f7f7f"),  # Fusion, light
                palette("#353535", "#2a2a2a", "#ffffff", "#5c5c5c"),  # a dark theme's dim grey
                palette("#2a2e32", "#1b1e20", "#fcfcfc", half_white)]  # Breeze Dark-like
    dark = palettes[1]
    assert contrast(dark.color(QPalette.PlaceholderText), dark.color(QPalette.Base)) < 4.5  # as it was
    for made in palettes:
        base = made.color(QPalette.Base)
        assert contrast(quiet_text(made), base) >= 4.5
        assert contrast(quiet_text(made), made.color(QPalette.Text)) > 1.5  # still a second line
        back, ink = chip_colours(made)
        assert contrast(ink, back) >= 4.5 and contrast(back, made.color(QPalette.Window)) > 1.1
    assert mix(QColor("#000000"), QColor("#ffffff"), 0.5).name() == "#808080"


def test_links_stay_readable_in_a_dark_palette_that_sets_no_link_colour(qtbot):
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    from gui.app import application
    from gui.widgets.palette import contrast

    app = application()
    before = QPalette(app.palette())
    dark = QPalette(before)
    for role, colour in ((QPalette.ColorRole.Window, "#2a2e32"), (QPalette.ColorRole.Base, "#1b1e20"),
                         (QPalette.ColorRole.WindowText, "#fcfcfc"), (QPalette.ColorRole.Text, "#fcfcfc"),
                         (QPalette.ColorRole.Link, "#0000ff"), (QPalette.ColorRole.LinkVisited, "#ff00ff")):
        dark.setColor(role, QColor(colour))
    assert contrast(QColor("#0000ff"), QColor("#2a2e32")) < 2.5  # Qt's default link, as it was
    try:
        app.setPalette(dark)  # as a change of the desktop's theme does
        QApplication.processEvents()
        shown = app.palette()
        for role in (QPalette.ColorRole.Link, QPalette.ColorRole.LinkVisited):
            for background in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
                assert contrast(shown.color(role), shown.color(background)) >= 4.5
        assert shown.color(QPalette.ColorRole.Link).blue() > shown.color(QPalette.ColorRole.Link).red()  # still blue
    finally:
        app.setPalette(before)
    assert app.palette().color(QPalette.ColorRole.Link) == before.color(QPalette.ColorRole.Link)  # light: kept


def test_a_new_search_shows_its_best_match_and_clearing_it_keeps_the_person_found(window, qtbot):
    people = window.contact_list
    people.select(people.model.index(3).data(people.model.IdRole))
    _search(window, qtbot, "Cheryl")
    found = people.current_id()
    qtbot.waitUntil(lambda: window.contact_page.name_label.full_text() == "Cheryl Lopata", timeout=5000)
    assert found == people.model.index(0).data(people.model.IdRole)
    people.focus_search()
    qtbot.keyClick(people.search_field, Qt.Key_Escape)
    assert people.model.search_text == "" and people.model.rowCount() > 1
    assert people.current_id() == found  # the list of everyone, with the person found still shown


def test_while_typing_the_list_comes_first_and_the_best_match_once_the_keys_settle(window, qtbot):
    """A search as the user types repaints the list at once and shows the person it selects on
    the next turn of the event loop: a burst of keystrokes loads the person's page once."""
    people = window.contact_list
    shown = []
    people.contact_selected.connect(shown.append)
    for text in ("Ch", "Che", "Cher"):
        people.search_field.setText(text)
        people._apply_search(typing=True)  # what the debounce timer runs
        assert people.model.search_text == text and shown == []
    qtbot.waitUntil(lambda: bool(shown), timeout=5000)
    assert shown == [people.model.index(0).data(people.model.IdRole)]
    assert window.contact_page.name_label.full_text() == "Cheryl Lopata"


def test_a_person_chosen_while_the_typed_search_settles_is_shown_at_once(window, qtbot):
    """Choosing a person (a click, Return, a script) straight after a typed search does not wait for
    the deferred page: Ctrl+E pressed next edits the person chosen (CI once pressed it in between)."""
    people = window.contact_list
    people.search_field.setText("Cheryl")
    people._apply_search(typing=True)
    assert window.contact_page.name_label.full_text() != "Cheryl Lopata"  # deferred, as typing wants
    people.select(people.model.index(0).data(people.model.IdRole))
    assert window.contact_page.name_label.full_text() == "Cheryl Lopata"
    assert window.edit_action.isEnabled()
