"""Two notebooks, A and B, on one account of a real server (Radicale and Xandikos, each started
by the test on 127.0.0.1 with a temporary folder): what one does, the other gets after both sync;
a phone's cards PUT straight to the server come in, and going back change nothing."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from model import contacts, meetings, storage, sync, vcard
from model.contacts import ContactPointRecord, ContactRecord
from tests.conftest import CORPUS
from tests.servers.radicale import radicale
from tests.servers.xandikos import xandikos

SERVERS = {"radicale": radicale, "xandikos": xandikos}
pytestmark = pytest.mark.timeout(180)


@pytest.fixture(params=sorted(SERVERS))
def server(request, tmp_path):
    with SERVERS[request.param](tmp_path / request.param) as running:
        yield running


@contextlib.contextmanager
def opened(path):
    notebook = storage.open_notebook(path)
    try:
        yield notebook
    finally:
        notebook.close()


def run_sync(path, server) -> sync.Report:
    with opened(path):
        return sync.sync_all(password=lambda account: server.password)


def add_account(path, server) -> sync.Account:
    with opened(path):
        return sync.add_account(server.url, server.user, server.password)


def person(path, name):
    with opened(path):
        found = [r for r in contacts.iter_contacts() if r.display_name == name]
        return found[0] if found else None


@pytest.fixture
def a_and_b(tmp_path, server):
    a, b = tmp_path / "a.rapport", tmp_path / "b.rapport"
    first = add_account(a, server)
    second = add_account(b, server)
    assert (first.address_book, first.calendar) == (second.address_book, second.calendar)  # found, not made twice
    return a, b


def test_a_person_made_in_a_reaches_b_and_edits_of_different_fields_merge(a_and_b, server):
    a, b = a_and_b
    with opened(a):
        contacts.add_contact(ContactRecord(given_name="Ada", family_name="Lovelace", organisation="Analytical",
                                           city="London", country="United Kingdom", time_zone="Europe/London",
                                           points=[ContactPointRecord("phone", "+44 20 7946 0000", "mobile")]))
    assert run_sync(a, server).pushed == 1
    report = run_sync(b, server)
    assert (report.pulled, report.pushed, report.errors) == (1, 0, [])
    ada = person(b, "Ada Lovelace")
    assert (ada.organisation, ada.city, ada.time_zone) == ("Analytical", "London", "Europe/London")  # X-RAPPORT-*
    assert [p.value for p in ada.points] == ["+44 20 7946 0000"]
    # nothing changed: nothing moves
    assert run_sync(a, server).as_json() == {"pulled": 0, "pushed": 0, "deleted_here": 0, "deleted_there": 0,
                                            "conflicts": 0, "errors": []}

    # A changes the title, B the notes: both arrive everywhere
    with opened(a):
        record = [r for r in contacts.iter_contacts() if r.display_name == "Ada Lovelace"][0]
        contacts.update_contact(dataclasses.replace(record, title="Countess"))
    with opened(b):
        record = [r for r in contacts.iter_contacts() if r.display_name == "Ada Lovelace"][0]
        contacts.update_contact(dataclasses.replace(record, notes="Met at the Babbage salon"))
    assert run_sync(a, server).pushed == 1
    report = run_sync(b, server)  # B's change and A's meet here
    assert report.conflicts == 0 and report.pulled == 1 and report.pushed == 1, report
    run_sync(a, server)
    for side in (a, b):
        ada = person(side, "Ada Lovelace")
        assert (ada.title, ada.notes) == ("Countess", "Met at the Babbage salon"), side.name


def test_history_travels_as_journal_entries_and_calendar_apps_do_not_see_it(a_and_b, server):
    from model import history
    from model.history import InteractionRecord

    a, b = a_and_b
    when = dt.datetime(2026, 11, 20, 14, 30, tzinfo=dt.UTC)
    with opened(a):
        ada = contacts.add_contact(ContactRecord(given_name="Ada", family_name="Lovelace"))
        history.log(InteractionRecord(ada, "phone", when, "out", 25, "Called about the engine", "She; likes, commas"))
        history.log(InteractionRecord(ada, "whatsapp", when + dt.timedelta(days=1), "both", None,
                                      "23 WhatsApp messages, both ways", messages=23, source="whatsapp:message:x"))
    assert run_sync(a, server).pushed == 3  # the person and two entries
    assert run_sync(b, server).pulled == 3
    with opened(b):
        [ada_b] = [r for r in contacts.iter_contacts() if r.display_name == "Ada Lovelace"]
        entries = history.history(ada_b.id)
        assert [(e.channel_key, e.occurred_at, e.direction, e.duration_minutes, e.summary, e.notes, e.messages)
                for e in entries] == [
            ("whatsapp", when + dt.timedelta(days=1), "both", None, "23 WhatsApp messages, both ways", "", 23),
            ("phone", when, "out", 25, "Called about the engine", "She; likes, commas", 1)]
        summary = history.summary(ada_b.id)
        assert (summary.step, summary.count) == (2, 24)  # the ladder and the counts follow
        account = sync.accounts()[0]
        history.delete([entries[1].id])
    # The history's collection holds VJOURNALs only: a calendar app asking for event calendars skips it.
    client = sync.dav.Client(server.url, server.user, server.password)
    home = client.home(client.principal("caldav"), "caldav")
    assert account.journal not in [href for href, _name in client.collections(home, "caldav")]
    assert [href for href, _name in client.collections(home, "journal")] == [account.journal]
    assert run_sync(b, server).deleted_there == 1
    assert run_sync(a, server).deleted_here == 1
    with opened(a):
        assert [e.summary for e in history.history(ada)] == ["23 WhatsApp messages, both ways"]
    assert run_sync(a, server).as_json()["pushed"] == 0  # nothing moves once both sides agree


def test_a_prep_line_added_after_a_sync_goes_with_the_next(a_and_b, server):
    from model import prep

    a, b = a_and_b
    with opened(a):
        ada = contacts.add_contact(ContactRecord(given_name="Ada", family_name="Lovelace"))
    run_sync(a, server)
    run_sync(b, server)
    with opened(a):
        prep.add_lines(ada, "small_talk", ["Her engine notes"])  # the card changes, the person's row does not
    assert run_sync(a, server).pushed == 1
    assert run_sync(a, server).pushed == 0  # and once only
    assert run_sync(b, server).pulled == 1
    with opened(b):
        [ada_b] = [r for r in contacts.iter_contacts() if r.display_name == "Ada Lovelace"]
        assert ("small_talk", "Her engine notes", False) in ada_b.prep


def test_the_same_field_changed_on_both_sides_is_a_conflict_and_both_values_are_kept(a_and_b, server):
    a, b = a_and_b
    with opened(a):
        contacts.add_contact(ContactRecord(given_name="Grace", family_name="Hopper", title="Captain"))
    run_sync(a, server)
    run_sync(b, server)
    for side, title in ((a, "Commodore"), (b, "Rear Admiral")):
        with opened(side):
            record = [r for r in contacts.iter_contacts() if r.display_name == "Grace Hopper"][0]
            contacts.update_contact(dataclasses.replace(record, title=title))
    run_sync(a, server)
    report = run_sync(b, server)
    assert report.conflicts == 1
    with opened(b):
        grace = [r for r in contacts.iter_contacts() if r.display_name == "Grace Hopper"][0]
        [kept] = sync.conflicts(grace.id)
        assert grace.title == "Rear Admiral" and (kept.field, kept.theirs) == ("title", "Commodore")  # both kept
        sync.resolve(kept.id, take_theirs=True)  # the user takes the server's
        assert contacts.get_contact(grace.id).title == "Commodore" and sync.conflicts() == []
    run_sync(b, server)
    run_sync(a, server)
    assert person(a, "Grace Hopper").title == "Commodore"


def test_a_deletion_in_b_removes_the_person_from_a(a_and_b, server):
    a, b = a_and_b
    with opened(a):
        contacts.add_contact(ContactRecord(given_name="Alan", family_name="Turing"))
    run_sync(a, server)
    run_sync(b, server)
    with opened(b):
        contacts.delete_contacts([person_id for person_id in
                                  (r.id for r in contacts.iter_contacts() if r.display_name == "Alan Turing")])
    assert run_sync(b, server).deleted_there == 1
    assert run_sync(a, server).deleted_here == 1
    assert person(a, "Alan Turing") is None


def test_a_series_with_an_exception_arrives_identical(a_and_b, server):
    a, b = a_and_b
    berlin = ZoneInfo("Europe/Berlin")
    first = dt.datetime(2027, 3, 1, 9, tzinfo=berlin)
    with opened(a):
        series = meetings.MeetingRecord("Stand-up", first, first + dt.timedelta(minutes=15), time_zone="Europe/Berlin",
                                        recurrence="FREQ=WEEKLY;COUNT=6", exdates=[first + dt.timedelta(weeks=2)])
        meetings.save(series)
        moved = meetings.change_occurrence(meetings.by_uid(series.uid), first + dt.timedelta(weeks=3))
        moved.starts_at += dt.timedelta(hours=2)
        moved.ends_at += dt.timedelta(hours=2)
        moved.title = "Stand-up, later"
        meetings.save(moved)
        span = (first - dt.timedelta(days=1), first + dt.timedelta(weeks=8))
        there = [(o.meeting.title, o.starts_at) for o in meetings.occurrences(*span)]
    assert run_sync(a, server).pushed == 1  # one calendar object: the series and its exception
    assert run_sync(b, server).pulled == 1
    with opened(b):
        assert [(o.meeting.title, o.starts_at) for o in meetings.occurrences(*span)] == there
    assert len(there) == 5


def test_cards_put_by_another_client_come_in_and_going_back_changes_nothing(tmp_path, server):
    b = tmp_path / "b.rapport"
    account = add_account(b, server)
    put = 0
    for path in sorted((CORPUS / "vcards").glob("*.vcf")):
        for card in re.findall(rb"BEGIN:VCARD.*?END:VCARD\r?\n?", path.read_bytes(), re.S | re.I):
            uid = re.search(rb"^UID[;:](?:.*:)?(.+?)\r?$", card, re.M | re.I)
            if uid is None:
                continue  # a server refuses a card without UID (RFC 6352 5.1)
            status, _body = server.put(f"{account.address_book}{put}.vcf", card, "text/vcard")
            put += status in (200, 201, 204)
    assert put >= 10  # (Xandikos refuses more of them than Radicale)
    first = run_sync(b, server)
    with opened(b):
        here = contacts.count_contacts()
    assert first.pulled + len([e for e in first.errors if "left as it is" in e]) == put, first.errors
    assert here == first.pulled
    again = run_sync(b, server)
    assert (again.pulled, again.pushed, again.deleted_here, again.deleted_there) == (0, 0, 0, 0), again


def test_the_server_gone_is_said_and_nothing_is_lost(tmp_path):
    path = tmp_path / "a.rapport"
    with radicale(tmp_path / "server") as running:
        add_account(path, running)
        with opened(path):
            contacts.add_contact(ContactRecord(given_name="Offline", family_name="Person"))
    report = run_sync(path, running)  # the server has stopped
    assert report.unreachable and report.exit_code == 1 and "no answer" in report.errors[0]
    assert running.password not in " ".join(report.errors)
    assert person(path, "Offline Person") is not None


def test_card_text_round_trip_matches_what_the_server_holds(a_and_b, server):
    a, _b = a_and_b
    with opened(a):
        contacts.add_contact(ContactRecord(given_name="Łukasz", family_name="Żółć", notes="Zażółć gęślą jaźń"))
        record = next(iter(contacts.iter_contacts()))
        text = vcard.serialize(record, "3.0")
        account = sync.accounts()[0]
    run_sync(a, server)
    status, body = server.request("PROPFIND", account.address_book, b"", {"Depth": "1"})
    assert status == 207 and b".vcf" in body
    assert "Łukasz" in text


def test_a_meeting_changed_on_both_sides_merges_field_by_field(a_and_b, server):
    """A's new place and B's new time both arrive; a week skipped on each side is skipped on both;
    the title both renamed keeps the server's (the one that synced first) and says what A's was."""
    a, b = a_and_b
    berlin = ZoneInfo("Europe/Berlin")
    first = dt.datetime(2027, 3, 1, 9, tzinfo=berlin)
    with opened(a):
        series = meetings.MeetingRecord("Stand-up", first, first + dt.timedelta(minutes=15), time_zone="Europe/Berlin",
                                        recurrence="FREQ=WEEKLY;COUNT=8", location="Room 1")
        meetings.save(series)
        uid = series.uid
    assert run_sync(a, server).pushed == 1 and run_sync(b, server).pulled == 1
    with opened(a):
        mine = meetings.by_uid(uid)
        mine.location, mine.title = "Room 2", "Stand-up (A)"
        mine.exdates = [first + dt.timedelta(weeks=1)]
        meetings.save(mine)
    with opened(b):
        theirs = meetings.by_uid(uid)
        theirs.starts_at += dt.timedelta(hours=1)
        theirs.ends_at += dt.timedelta(hours=1)
        theirs.title = "Stand-up (B)"
        theirs.exdates = [first + dt.timedelta(weeks=2, hours=1)]
        meetings.save(theirs)
    assert run_sync(b, server).pushed == 1
    report = run_sync(a, server)
    assert report.pulled == 1 and report.pushed == 1  # the merge goes back
    assert len(report.errors) == 1 and "title changed on both sides" in report.errors[0]
    assert "Stand-up (A)" in report.errors[0]
    assert run_sync(b, server).pulled == 1
    for side in (a, b):
        with opened(side):
            merged = meetings.by_uid(uid)
            assert (merged.title, merged.location) == ("Stand-up (B)", "Room 2")
            assert merged.starts_at == first + dt.timedelta(hours=1)
            shown = [o.starts_at for o in meetings.occurrences(first, first + dt.timedelta(weeks=8))]
            assert first + dt.timedelta(weeks=1, hours=1) not in shown  # A's skip, moved with the series
            assert first + dt.timedelta(weeks=2, hours=1) not in shown  # B's skip
            assert len(shown) == 6
    again = run_sync(a, server)
    assert (again.pulled, again.pushed, again.errors) == (0, 0, [])
