"""Importing history through the window: the plan, a match re-pointed, the import, then undo."""

from model import contacts, history, search
from tests.conftest import CORPUS


def test_a_chat_is_planned_re_pointed_imported_and_undone(window, qtbot, tmp_path):
    chat = tmp_path / "WhatsApp Chat with Cathy R.txt"
    chat.write_text("[3/1/26, 09:00:00] Cathy R: are you free to talk?\n[3/1/26, 09:02:00] Me: tomorrow?\n"
                    "[3/2/26, 10:00:00] Cathy R: yes!\n")
    before = contacts.count_contacts()
    mail = CORPUS / "history" / "mbox" / "thunderbird-unquoted-from-in-body.mbox"
    dialog = window.import_files([str(chat), str(mail)])
    qtbot.waitUntil(dialog.planned, timeout=10000)
    names = [dialog.table.item(row, 1).text() for row in range(dialog.table.rowCount())]
    assert sorted(names) == ["Author", "Cathy R"]
    row, other = names.index("Cathy R"), names.index("Author")
    assert dialog.table.item(row, 2).text() == "New person" and dialog.table.item(row, 4).text() == "3 of 3"
    cathy = search.search("Cathy Rogers", limit=1)[0]
    dialog.repoint(row, cathy)
    assert "Cathy Rogers (chosen by you)" in dialog.table.item(row, 2).text()
    dialog.table.item(other, 0).setCheckState(dialog.table.item(other, 0).checkState().Unchecked)  # leave Author out
    assert not dialog.plan.people[other].include
    exchanges_before = len(history.history(cathy))
    with qtbot.waitSignal(dialog.imported, timeout=10000):
        dialog.import_button.click()
    entries = history.history(cathy)
    assert len(entries) == exchanges_before + 2
    assert sorted(e.summary for e in entries if e.source) == ["1 WhatsApp message, from them",
                                                              "2 WhatsApp messages, both ways"]
    assert contacts.count_contacts() == before  # Author left out, Cathy matched
    assert "Imported 3 exchange(s)" in window.statusBar().currentMessage()
    window.undo_stack.undo()
    assert len(history.history(cathy)) == exchanges_before
    window.undo_stack.redo()
    assert len(history.history(cathy)) == exchanges_before + 2


def test_a_chat_that_cannot_tell_its_date_order_or_its_user_asks_and_reads_again(window, qtbot, tmp_path):
    chat = tmp_path / "chat.txt"
    chat.write_text("03/04/22, 10:00 - Ann Lee: one\n03/04/22, 10:05 - Bo Park: two\n")
    dialog = window.import_files([str(chat)])
    qtbot.waitUntil(dialog.planned, timeout=10000)
    assert dialog.answers.isVisible() and "day/month or month/day" in dialog.questions.text()
    [person] = dialog.plan.people
    me = person.name  # the plan took the other one to be the user
    assert str(person.first.astimezone().date()) == "2022-04-03"
    combos = [child for child in dialog.answers.children() if child.metaObject().className() == "QComboBox"]
    dates, user = combos
    dates.setCurrentIndex(1)  # month/day
    user.setCurrentIndex(user.findData(me))  # I am the one it took for the other side
    dialog.read_again.click()
    qtbot.waitUntil(dialog.planned, timeout=10000)
    [person] = dialog.plan.people
    assert person.name != me and str(person.first.astimezone().date()) == "2022-03-04"


def test_rows_appear_while_the_files_are_still_read(empty_window, qtbot, tmp_path, monkeypatch):
    import threading

    from model import exchange_import

    chats = []
    for number in range(3):
        chat = tmp_path / f"mail-{number}.mbox"
        chat.write_text(f"From a@b Mon Jan  1 00:00:00 2024\nFrom: Person {number} <p{number}@example.org>\n"
                        f"To: me@example.org\nDate: Mon, 1 Jan 2024 10:00:00 +0000\n\nhello\n")
        chats.append(str(chat))
    release = threading.Event()
    real = exchange_import.plan_found

    def slow(files, found, zone=None, each=None):
        def held(plan):
            each(plan)
            if len(plan.found) == 2:
                release.wait(10)  # the third file waits until the test has seen the first rows
        return real(files, found, zone, held)

    monkeypatch.setattr(exchange_import, "plan_found", slow)
    dialog = empty_window.import_files(chats)
    qtbot.waitUntil(lambda: dialog.table.rowCount() >= 1, timeout=10000)
    assert not dialog.planned() and not dialog.import_button.isEnabled()
    assert "so far" in dialog.status.text()
    release.set()
    qtbot.waitUntil(dialog.planned, timeout=10000)
    assert dialog.table.rowCount() == 3 and dialog.import_button.isEnabled()
