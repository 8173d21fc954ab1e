"""Logging and seeing history through the real widgets: the Log dialog, the History tab,
Today and the take-it-offline list."""

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from gui.channels_dialog import ChannelsDialog
from gui.log_dialog import LogDialog
from model import history, prep, search
from model.schema import Interaction
from tests.gui.conftest import drive_dialog, open_person, shown_names


def test_log_by_keyboard_only(window, qtbot):
    cathy = open_person(window, "Cathy Rogers")
    before = history.summary(cathy).count

    def type_it(dialog):
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        assert dialog.focusWidget() is dialog.channel_box
        qtbot.keyClicks(dialog.channel_box, "Ph")  # type to pick Phone
        for _ in range(3):  # Direction, When, Duration
            qtbot.keyClick(dialog.focusWidget(), Qt.Key_Tab)
        assert dialog.focusWidget() is dialog.duration
        dialog.duration.lineEdit().selectAll()
        qtbot.keyClicks(dialog.focusWidget(), "25")
        qtbot.keyClick(dialog.focusWidget(), Qt.Key_Tab)
        assert dialog.focusWidget() is dialog.summary
        qtbot.keyClicks(dialog.summary, "Called about the winter meetup")
        qtbot.keyClick(dialog.summary, Qt.Key_Return)

    errors = drive_dialog(qtbot, type_it)
    qtbot.keyClick(window, Qt.Key_L, Qt.ControlModifier)
    assert not errors, errors
    entries = history.history(cathy)
    assert len(entries) == before + 1
    newest = entries[0]
    assert (newest.channel_key, newest.duration_minutes) == ("phone", 25)
    assert newest.summary == "Called about the winter meetup"
    assert abs((newest.occurred_at - history.now_utc()).total_seconds()) < 120
    assert "Called about the winter meetup" in window.contact_page.history_tab.timeline_text(1)
    # Undo takes it back out, redo puts it back.
    window.undo_action.trigger()
    assert len(history.history(cathy)) == before
    window.redo_action.trigger()
    assert history.history(cathy)[0].summary == "Called about the winter meetup"


def test_one_exchange_for_three_people_with_questions(window, qtbot):
    ids = [search.search(name)[0] for name in ("Priya Sharma", "Sara Lindqvist", "Aiko Tanaka")]

    def fill(dialog):
        for contact_id in ids[1:]:
            qtbot.keyClicks(dialog.people.field, history_name(contact_id)[:6])  # the completer finds them
            dialog.people.field.setText(history_name(contact_id))
            qtbot.keyClick(dialog.people.field, Qt.Key_Return)
            assert dialog.isVisible()  # Enter added the person; it did not log yet
        assert dialog.people.ids() == ids
        dialog.channel_box.setCurrentIndex(dialog.channel_box.findData("in_person"))
        assert dialog.direction_box.currentData() == "both" and dialog.duration.isEnabled()
        dialog.summary.setText("Met at the Nordic Events dinner")
        dialog.ask_next.setPlainText("How did the launch go?\n\nWhich city next?")
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    errors = drive_dialog(qtbot, fill)
    window.log_exchange([ids[0]])
    assert not errors, errors
    for contact_id in ids:
        assert history.history(contact_id)[0].summary == "Met at the Nordic Events dinner"
        assert history.summary(contact_id).step_name == "Met in person"
        questions = [line.text for line in prep.lines(contact_id, "ask_next")]
        assert questions[-2:] == ["How did the launch go?", "Which city next?"]
    window.undo_action.trigger()
    assert all(history.summary(c).step < 3 for c in ids)
    assert all("Which city next?" not in [line.text for line in prep.lines(c)] for c in ids)


def history_name(contact_id):
    from model import contacts
    return contacts.get_contact(contact_id).display_name


def test_the_dialog_refuses_what_cannot_be_saved(qtbot, sample_notebook):
    cathy = search.search("Cathy Rogers")[0]
    dialog = LogDialog([cathy])
    qtbot.addWidget(dialog)
    dialog.when.setDateTime(dialog.when.dateTime().addDays(3))
    assert "future" in dialog.message.text()
    dialog.people.list.clear()
    dialog.accept()
    assert dialog.result() != QDialog.Accepted and "at least one person" in dialog.message.text()


def test_edit_and_delete_an_entry_with_undo(window, qtbot, monkeypatch):
    cathy = open_person(window, "Cathy Rogers")
    tab = window.contact_page.history_tab
    first = history.history(cathy)[0]

    def exec_(dialog):
        dialog.summary.setText("Liked and shared my post")
        dialog.accept()
        return QDialog.Accepted
    monkeypatch.setattr(LogDialog, "exec", exec_)
    tab.edit_requested.emit(first)
    assert history.get(first.id).summary == "Liked and shared my post"
    window.undo_action.trigger()
    assert history.get(first.id).summary == first.summary

    tab.timeline.setCurrentIndex(tab.timeline_model.index(1, 0))
    tab.timeline.setFocus()
    qtbot.keyClick(tab.timeline, Qt.Key_Delete)
    assert history.get(first.id) is None
    assert first.summary not in tab.timeline_text(1)
    window.undo_action.trigger()
    assert history.get(first.id) == first


def test_history_tab_filters_and_shows_the_glance(window, qtbot, monkeypatch):
    cathy = open_person(window, "Cathy Rogers")
    tab = window.contact_page.history_tab
    rows = tab.timeline_model.rowCount()
    months = [tab.timeline_text(n) for n in range(rows) if tab.timeline_model.entry(n) is None]
    assert len(months) >= 4 and rows - len(months) == history.summary(cathy).count
    assert all(month.split()[-1].isdigit() for month in months)  # "November 2026"
    monkeypatch.setattr(LogDialog, "exec", lambda dialog: QDialog.Rejected)  # the window opens the editor
    with qtbot.waitSignal(tab.edit_requested) as opened:  # Enter or a double-click on an exchange
        tab.timeline.activated.emit(tab.timeline_model.index(1, 0))
    assert opened.args[0].id == tab.timeline_model.entry(1).id
    assert tab.ladder.step == 3 and tab.first_label.text().endswith("on LinkedIn")
    tab.channel_filter.setCurrentIndex(tab.channel_filter.findData("email"))
    shown = [tab.timeline_text(n) for n in range(tab.timeline_model.rowCount())]
    assert all("Email" in text for text in shown if "\n" in text) and len([t for t in shown if "\n" in t]) == 2
    tab.channel_filter.setCurrentIndex(0)
    qtbot.keyClicks(tab.search_field, "violin")
    qtbot.waitUntil(lambda: tab.timeline_model.rowCount() == 2)
    assert "bloggers' meetup" in tab.timeline_text(1)
    qtbot.keyClicks(tab.search_field, "zzz")
    qtbot.waitUntil(lambda: tab.empty_label.isVisibleTo(tab))
    assert tab.empty_label.text() == "Nothing matches."


def test_cadence_set_on_the_history_tab_is_undoable(window, qtbot):
    cathy = open_person(window, "Cathy Rogers")
    tab = window.contact_page.history_tab
    tab.cadence.box.setCurrentIndex(tab.cadence.box.findData(365))
    tab.cadence.box.activated.emit(tab.cadence.box.currentIndex())
    from model import contacts
    assert contacts.get_contact(cathy).cadence_days == 365
    window.undo_action.trigger()
    assert contacts.get_contact(cathy).cadence_days == 30


def test_today_and_take_it_offline_open_people(window, qtbot):
    today = window.today_page
    text = " ".join(label.text() for label in today.findChildren(type(window.count_label)))
    top = history.take_it_offline(limit=1)[0]
    assert top.display_name in text and "never called" in text
    window.offline_action.trigger()
    assert window.views.currentWidget() is window.offline_view
    table = window.offline_view.table
    assert table.topLevelItem(0).text(1) == top.display_name
    assert table.topLevelItemCount() == len(history.take_it_offline(limit=200))
    table.itemActivated.emit(table.topLevelItem(0), 0)
    assert window.views.currentWidget() is window.splitter
    assert window.contact_page.name_label.full_text() == top.display_name


def test_list_shows_and_sorts_by_history(window, qtbot):
    window.contact_list.show_box.setCurrentIndex(window.contact_list.show_box.findData("met"))
    met = shown_names(window)
    assert met and all(history.summary(search.search(n)[0]).step == 3 for n in met)
    assert window.count_label.text().startswith(f"{len(met)} of 40")
    window.contact_list.show_box.setCurrentIndex(0)
    window.contact_list.set_sort("last_contact")
    model = window.contact_list.model
    subtitle = model.index(0).data(model.SubtitleRole)
    assert subtitle.endswith(("today", "yesterday", "ago")), subtitle


def test_deleting_a_channel_with_history_moves_it(window, qtbot):
    cathy = search.search("Cathy Rogers")[0]
    dialog = ChannelsDialog(window)
    qtbot.addWidget(dialog)
    rows = [dialog.list.item(n).text() for n in range(dialog.list.count())]
    linkedin = next(n for n, text in enumerate(rows) if text.startswith("LinkedIn"))
    dialog.list.setCurrentRow(linkedin)

    def pick():
        picker = QApplication.activeModalWidget()
        box = picker.findChild(type(window.contact_list.sort_box))
        box.setCurrentIndex(box.findText("Email"))
        picker.accept()
    QTimer.singleShot(0, pick)
    dialog.delete()
    assert history.channel_by_key("linkedin") is None
    assert Interaction.select().count() == 89
    assert "LinkedIn" not in {e.channel_name for e in history.history(cathy)}
