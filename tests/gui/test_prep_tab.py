"""The Prep tab edited through its real widgets: lines, questions, place and zone, links."""

import re

from PySide6.QtCore import Qt

from model import connections, contacts, history, prep, search
from model.contacts import ContactRecord


def open_prep(window, name):
    contact_id = search.search(name)[0]
    window.open_contact(contact_id)
    window.contact_page.tabs.setCurrentWidget(window.contact_page.prep_tab)
    return contact_id, window.contact_page.prep_tab


def test_header_says_the_time_there_and_where_the_zone_came_from(window):
    _, tab = open_prep(window, "Cathy Rogers")
    assert tab.clock_label.text().startswith("It's ") and "in Savannah" in tab.clock_label.text()
    # the person's city, then the zone's own and its offset now (UTC−5 in winter, UTC−4 in summer)
    assert re.search("Savannah — New York, UTC−[45] · set by you", tab.zone_label.text())
    assert "there." in tab.window_label.text()  # the season


def test_add_edit_and_delete_lines_in_place(window, qtbot):
    cathy, tab = open_prep(window, "Cathy Rogers")
    small_talk = tab.lists["small_talk"]
    qtbot.keyClicks(small_talk.field, "Savannah's rainy November")
    qtbot.keyClick(small_talk.field, Qt.Key_Return)
    assert [line.text for line in prep.lines(cathy, "small_talk")][-1] == "Savannah's rainy November"
    assert small_talk.texts()[-1] == "Savannah's rainy November"
    item = small_talk.list.item(0)
    item.setText("Sailing season is over")
    assert prep.lines(cathy, "small_talk")[0].text == "Sailing season is over"
    small_talk.list.setCurrentRow(0)
    small_talk.list.setFocus()
    qtbot.keyClick(small_talk.list, Qt.Key_Delete)
    assert "Sailing season is over" not in [line.text for line in prep.lines(cathy, "small_talk")]
    assert contacts.get_contact(cathy) is not None  # the window's Delete (the person) did not take the key


def test_ticked_questions_move_into_the_last_call(window, qtbot):
    cathy, tab = open_prep(window, "Cathy Rogers")
    questions = tab.lists["ask_next"]
    assert not tab.move_button.isVisibleTo(tab)
    questions.list.item(0).setCheckState(Qt.Checked)
    assert tab.move_button.isVisibleTo(tab)
    asked = questions.texts()[0]
    qtbot.mouseClick(tab.move_button, Qt.LeftButton)
    assert asked not in questions.texts()
    assert f"✓ {asked}" in history.history(cathy, limit=1)[0].notes


def test_an_ambiguous_city_offers_choices_and_the_choice_is_undoable(window, qtbot):
    contact_id = contacts.add_contact(ContactRecord(given_name="Pat", family_name="Porter", city="Portland"))
    window.contact_list.refresh()
    _, tab = open_prep(window, "Pat Porter")
    assert tab.clock_label.text() == "Their local time is unknown"
    buttons = [tab.candidates.itemAt(n).widget() for n in range(tab.candidates.count())
               if tab.candidates.itemAt(n).widget()]
    oregon = next(b for b in buttons if "Oregon" in b.text())
    qtbot.mouseClick(oregon, Qt.LeftButton)
    saved = contacts.get_contact(contact_id)
    assert (saved.time_zone, saved.region) == ("America/Los_Angeles", "Oregon")
    assert "from the city (chosen by you)" in tab.zone_label.text()
    window.undo_action.trigger()
    assert contacts.get_contact(contact_id).time_zone == ""


def test_place_editor_sets_zone_and_call_hours_and_refuses_a_bad_zone(window, qtbot):
    cathy, tab = open_prep(window, "Cathy Rogers")
    tab.place_button.setChecked(True)
    tab.city_field.setText("Mumbai")
    tab.region_field.clear()
    tab.country_field.setText("India")
    tab._find_zone()
    assert tab.zone_box.zone() == "Asia/Kolkata" and tab.zone_box.currentText().startswith("Kolkata, UTC+5:30")
    tab.hours_from.setTime(tab.hours_from.time().fromString("10:30", "HH:mm"))
    tab._save_place()
    saved = contacts.get_contact(cathy)
    assert (saved.city, saved.time_zone, saved.call_hours) == ("Mumbai", "Asia/Kolkata", "10:30-18:00")
    assert "in Mumbai" in tab.clock_label.text()
    tab.place_button.setChecked(True)
    tab.zone_box.setCurrentText("Asia/Atlantis")
    tab._save_place()
    assert "not a time zone" in tab.window_label.text()
    assert contacts.get_contact(cathy).time_zone == "Asia/Kolkata"


def test_link_people_and_follow_a_link(window, qtbot):
    cathy, tab = open_prep(window, "Cathy Rogers")
    qtbot.keyClicks(tab.link_person, "Chery")
    tab.link_person.setText("Cheryl Lopata")
    qtbot.keyClicks(tab.link_text, "Cathy met Cheryl on Twitter")
    qtbot.keyClick(tab.link_text, Qt.Key_Return)
    cheryl = search.search("Cheryl Lopata")[0]
    links = [(link.other_id, link.description) for link in connections.links_of(cathy)]
    assert (cheryl, "Cathy met Cheryl on Twitter") in links
    assert (cheryl, "you met through this person") in links  # the sample's Cheryl was introduced by Cathy
    assert "Cheryl Lopata" in tab.links_label.text()
    tab.links_label.linkActivated.emit(f"contact:{cheryl}")
    assert window.contact_page.name_label.full_text() == "Cheryl Lopata"
    assert "Cathy met Cheryl on Twitter" in window.contact_page.prep_tab.links_label.text()


def test_hours_left_at_the_preferred_default_keep_following_it(window, tmp_path, monkeypatch):
    import dataclasses

    from model import preferences

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    preferences.forget()
    preferences.save(dataclasses.replace(preferences.current(), call_hours="10:00-19:00"))
    cathy, tab = open_prep(window, "Cathy Rogers")
    assert contacts.get_contact(cathy).call_hours == ""
    tab.place_button.setChecked(True)
    assert tab.hours_from.time().toString("HH:mm") == "10:00"  # the default shown
    tab._save_place()
    assert contacts.get_contact(cathy).call_hours == ""  # still the default, not 10:00-19:00 of her own
