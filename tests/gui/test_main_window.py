"""The main window as a user drives it: search, select, edit, delete, undo."""

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog

from gui.contact_editor import ContactEditor
from gui.main_window import MainWindow
from model import contacts
from tests.gui.conftest import shown_names


def current_name(window) -> str:
    return window.contact_page.name_label.full_text()


def test_opens_on_today_with_the_count_in_the_status_bar(window, qtbot):
    assert window.contact_list.model.rowCount() == 40
    assert window.count_label.text() == "40 contacts"
    assert window.pages.currentWidget() is window.today_page and window.today_action.isChecked()
    assert not window.log_action.isEnabled()
    qtbot.keyClick(window.contact_list.view, Qt.Key_Down)
    assert window.pages.currentWidget() is window.contact_page
    assert current_name(window) == shown_names(window)[0] == "Ngozi Adeyemi"


def test_typing_two_letters_filters_and_escape_clears(window, qtbot):
    qtbot.keyClicks(window.contact_list.search_field, "sav")
    qtbot.waitUntil(lambda: window.contact_list.model.rowCount() == 3)
    assert set(shown_names(window)) == {"Cathy Rogers", "Heather Townsend", "Betsy Groves"}
    assert window.count_label.text() == "3 of 40 contacts"
    # the best match's page follows the list as soon as the keys settle
    qtbot.waitUntil(lambda: current_name(window) in shown_names(window), timeout=5000)
    qtbot.keyClick(window.contact_list.search_field, Qt.Key_Escape)
    assert window.contact_list.search_field.text() == ""
    assert window.contact_list.model.rowCount() == 40


def test_selecting_a_person_shows_their_points_as_links(window, qtbot):
    row = shown_names(window).index("Cathy Rogers")
    window.contact_list.view.setCurrentIndex(window.contact_list.model.index(row))
    assert current_name(window) == "Cathy Rogers"
    texts = [window.contact_page.form.itemAt(i).widget().text() for i in range(window.contact_page.form.count())]
    joined = "\n".join(texts)
    assert 'href="tel:+19125550143"' in joined
    assert 'href="mailto:cathy@highcallingblogs.com"' in joined
    assert "Savannah, GA, United States" in joined
    assert "12 April 1979" in joined


def test_sort_by_company_and_filter_by_tag(window, qtbot):
    window.contact_list.set_sort("company")
    assert shown_names(window)[0] == contacts.list_contacts("company")[0].display_name
    first_orgs = [window.contact_list.model.contact_row(r).organisation for r in range(5)]
    assert first_orgs == sorted(first_orgs, key=str.casefold)
    box = window.contact_list.tag_box
    assert box.count() == 1  # the tags are read when the user reaches for the box
    box.showPopup()
    box.hidePopup()
    assert box.itemText(box.findData("investors")) == "investors (6)"
    box.setCurrentIndex(box.findData("investors"))
    assert window.contact_list.model.rowCount() == contacts.count_contacts("investors") == 6
    assert window.count_label.text() == "6 of 40 contacts"


def edit_with(monkeypatch, change):
    """Make the editor's exec() apply `change` to its real widgets, then press Save."""
    def exec_(editor):
        change(editor)
        editor.accept()
        return editor.result()
    monkeypatch.setattr(ContactEditor, "exec", exec_)


def test_edit_then_undo_and_redo(window, qtbot, monkeypatch):
    window.contact_list.select(None)
    name = current_name(window)
    old_title = contacts.get_contact(window.contact_list.current_id()).title
    def retitle(editor):
        editor.fields["title"].clear()
        qtbot.keyClicks(editor.fields["title"], "Chief Sailor")
    edit_with(monkeypatch, retitle)
    window.edit_action.trigger()
    assert "Chief Sailor" in window.contact_page.work_label.text()
    contact_id = window.contact_list.current_id()
    assert contacts.get_contact(contact_id).title == "Chief Sailor"

    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier)
    assert contacts.get_contact(contact_id).title == old_title
    assert current_name(window) == name and "Chief Sailor" not in window.contact_page.work_label.text()
    qtbot.keyClick(window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert contacts.get_contact(contact_id).title == "Chief Sailor"


def test_delete_asks_nothing_and_undo_brings_the_person_back(window, qtbot):
    row = shown_names(window).index("Cathy Rogers")
    window.contact_list.view.setCurrentIndex(window.contact_list.model.index(row))
    before = contacts.get_contact(window.contact_list.current_id())
    window.delete_action.trigger()
    assert "Cathy Rogers" not in shown_names(window)
    assert window.count_label.text() == "39 contacts"
    assert "Undo" in window.statusBar().currentMessage()
    window.undo_action.trigger()
    assert "Cathy Rogers" in shown_names(window)
    assert current_name(window) == "Cathy Rogers"
    assert contacts.get_contact(before.id) == before


def test_new_contact_with_points_through_the_editor(window, qtbot, monkeypatch):
    def fill(editor):
        qtbot.keyClicks(editor.fields["given_name"], "Grace")
        qtbot.keyClicks(editor.fields["family_name"], "Hopper")
        qtbot.keyClicks(editor.fields["tags"], "navy, pioneers")
        row = editor.add_point(contacts.ContactPointRecord("phone", ""))
        qtbot.keyClicks(row.value, "+1 202 555 0199")
        row = editor.add_point(contacts.ContactPointRecord("email", ""))
        qtbot.keyClicks(row.value, "grace@navy.example")
    edit_with(monkeypatch, fill)
    window.new_contact_action.trigger()
    assert current_name(window) == "Grace Hopper"
    saved = contacts.get_contact(window.contact_list.current_id())
    points = [(p.kind, p.normalised) for p in saved.points]
    assert points == [("phone", "+12025550199"), ("email", "grace@navy.example")]
    assert saved.tags == ["navy", "pioneers"]
    assert window.count_label.text() == "41 contacts"
    window.undo_action.trigger()
    assert "Grace Hopper" not in shown_names(window)


def test_editor_refuses_a_malformed_birthday(qtbot):
    editor = ContactEditor()
    qtbot.addWidget(editor)
    qtbot.keyClicks(editor.fields["given_name"], "Tom")
    qtbot.keyClicks(editor.fields["birthday"], "next tuesday")
    editor.accept()
    assert editor.result() != QDialog.Accepted
    assert "1980-03-22" in editor.error_label.text()


def test_empty_notebook_shows_the_welcome_page_and_opens_the_sample(empty_window, qtbot):
    assert empty_window.pages.currentWidget() is empty_window.welcome_page
    assert not empty_window.edit_action.isEnabled()
    empty_window.open_sample_action.trigger()
    assert empty_window.contact_list.model.rowCount() == 40
    assert empty_window.pages.currentWidget() is empty_window.contact_page
    assert "sample" in empty_window.windowTitle()


def test_window_size_and_sort_are_remembered(window, qtbot, sample_notebook):
    window.resize(780, 540)
    window.contact_list.set_sort("company")
    window.close()
    assert QSettings().value("list/sort") == "company"
    again = MainWindow(sample_notebook, "test")
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (780, 540)
    assert again.contact_list.model.sort == "company"


def test_the_window_does_not_wait_for_todays_history_lists(qtbot, sample_notebook, monkeypatch):
    """The lists drawn from the whole history (overdue, birthdays, take it offline) are made on a
    worker thread, never the window's: the page shows the meetings and placeholders until they
    come, and the meetings above them do not move when they arrive."""
    import threading

    from gui.app import application
    from gui.main_window import MainWindow
    from model import history

    application("test")
    on_the_window_thread = []
    real, gate = history.overdue, threading.Event()

    def overdue(*a, **k):
        on_the_window_thread.append(threading.current_thread() is threading.main_thread())
        gate.wait(5)  # held until the window has been built and painted
        return real(*a, **k)

    monkeypatch.setattr(history, "overdue", overdue)
    window = MainWindow(sample_notebook, "test")
    qtbot.addWidget(window)
    today = window.today_page
    labels = lambda: " ".join(label.text() for label in today.findChildren(type(window.count_label)))  # noqa: E731
    assert today.pending and "Looking through the history…" in labels()
    window.show()
    qtbot.waitExposed(window)
    meetings_at = today.sections.itemAt(1).widget().mapTo(today, today.rect().topLeft())
    assert today.pending
    gate.set()
    qtbot.waitUntil(lambda: not today.pending, timeout=5000)
    assert on_the_window_thread == [False]
    assert "Looking through" not in labels() and "Tom Becker" in labels()
    assert today.sections.itemAt(1).widget().mapTo(today, today.rect().topLeft()) == meetings_at


def test_the_lists_begun_at_start_up_are_for_that_notebook_only(qtbot, sample_notebook, tmp_path):
    """main.py begins Today's lists before Qt loads; a window on another notebook makes its own."""
    from gui.app import application
    from gui.main_window import MainWindow
    from model import history, storage

    application("test")
    history.start_today_lists()  # the sample's lists
    other = storage.open_notebook(tmp_path / "other.rapport")
    window = MainWindow(other, "test")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.today_page.pending, timeout=5000)
    labels = " ".join(label.text() for label in window.findChildren(type(window.count_label)))
    assert "Tom Becker" not in labels
    assert history._early is None
