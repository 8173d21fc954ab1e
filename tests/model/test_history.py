"""Channel history and what is derived from it, on a real notebook file."""

import datetime as dt

import pytest

from model import clock, contacts, history, prep, search
from model.contacts import ContactRecord
from model.history import HistoryError, InteractionRecord
from model.schema import Interaction, PrepItem

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def at_now(frozen_clock):
    """These tests read history as on NOW."""
    with clock.frozen(NOW):
        yield


def person(given, family="Tester", **fields):
    return contacts.add_contact(ContactRecord(given_name=given, family_name=family, **fields))


def exchange(contact_id, channel, days_ago, direction="out", summary="", **fields):
    return history.log(InteractionRecord(contact_id, channel, NOW - dt.timedelta(days=days_ago), direction,
                                         summary=summary, **fields)).ids[0]


def test_logging_updates_first_last_step_and_counts(notebook):
    ana = person("Ana")
    assert history.summary(ana, NOW).step == -1
    exchange(ana, "linkedin", 40, "in", "Liked my post")
    exchange(ana, "linkedin", 20, "out", "Commented on her talk")
    exchange(ana, "email", 10, summary="Sent the slides")
    summary = history.summary(ana, NOW)
    assert (summary.count, summary.step, summary.step_name) == (3, 1, "Emailed")
    assert summary.first == NOW - dt.timedelta(days=40) and summary.last == NOW - dt.timedelta(days=10)
    assert summary.per_channel == [("linkedin", "LinkedIn", 2), ("email", "Email", 1)]
    assert summary.first_channel == "LinkedIn"
    exchange(ana, "in_person", 1, "both", "Coffee at the conference", duration_minutes=45)
    assert history.summary(ana, NOW).step_name == "Met in person"
    # The history is searchable from the contact list too.
    assert search.search("slides") == [ana]


def test_history_is_newest_first_and_filters(notebook):
    ben = person("Ben")
    for days, channel, text in [(30, "x", "Replied to a thread"), (5, "phone", "Call about 50% discount"),
                                (12, "x", "Shared an article")]:
        exchange(ben, channel, days, summary=text)
    assert [r.summary for r in history.history(ben)] == [
        "Call about 50% discount", "Shared an article", "Replied to a thread"]
    assert [r.channel_name for r in history.history(ben, channel_key="x")] == ["X/Twitter", "X/Twitter"]
    assert [r.summary for r in history.history(ben, text="article")] == ["Shared an article"]
    assert [r.summary for r in history.history(ben, text="50%")] == ["Call about 50% discount"]
    assert history.history(ben, text="_") == []


def test_bad_exchanges_are_refused_with_reasons(notebook):
    cleo = person("Cleo")
    with pytest.raises(HistoryError, match="more than zero"):
        history.log(InteractionRecord(cleo, "phone", NOW, duration_minutes=0))
    with pytest.raises(HistoryError, match="Unknown channel"):
        history.log(InteractionRecord(cleo, "pigeon", NOW))
    with pytest.raises(HistoryError, match="needs a channel"):
        history.log(InteractionRecord(cleo, "", NOW))
    with pytest.raises(HistoryError, match="needs a person"):
        history.log(InteractionRecord(0, "phone", NOW))
    assert Interaction.select().count() == 0
    future = InteractionRecord(cleo, "phone", clock.now() + dt.timedelta(days=3))
    assert future.problems() == ([], ["This date is in the future."])
    history.log(future)  # allowed, but flagged
    assert history.summary(cleo).future == 1


def test_one_exchange_for_several_people_with_questions(notebook):
    ids = [person(name) for name in ("Dan", "Eve", "Fay")]
    logged = history.log(InteractionRecord(ids[0], "in_person", NOW, "both", 90, "Met at the meetup"),
                         contact_ids=ids, ask_next=["How was the trip?", "  "])
    assert len(logged.ids) == 3 and len(logged.prep_ids) == 3
    for contact_id in ids:
        assert [r.summary for r in history.history(contact_id)] == ["Met at the meetup"]
        assert [p.text for p in PrepItem.select().where(PrepItem.contact == contact_id)] == ["How was the trip?"]


def test_edit_delete_and_restore(notebook):
    gus = person("Gus")
    entry = exchange(gus, "sms", 3, summary="Texted")
    record = history.get(entry)
    record.channel_key, record.summary = "phone", "Called instead"
    history.update(record)
    assert history.summary(gus, NOW).step == 2
    removed = history.delete([entry])
    assert history.summary(gus, NOW).count == 0 and history.summary(gus, NOW).step == -1
    history.restore(removed)
    assert history.get(entry).summary == "Called instead" and history.summary(gus, NOW).step == 2


def test_undoing_a_contact_delete_brings_back_the_history(notebook):
    hal, ida = person("Hal"), person("Ida")
    exchange(hal, "phone", 3, summary="Long call")
    prep.add_lines(hal, "small_talk", ["Football"])
    contacts.update_contact(_introduced(ida, hal))
    records = contacts.delete_contacts([hal])
    assert Interaction.select().count() == 0 and contacts.get_contact(ida).introduced_by is None
    contacts.restore_contacts(records)
    assert [r.summary for r in history.history(hal)] == ["Long call"]
    assert [p.text for p in PrepItem.select().where(PrepItem.contact == hal)] == ["Football"]
    assert contacts.get_contact(ida).introduced_by == hal
    assert history.summary(hal).step == 2


def _introduced(contact_id, by):
    record = contacts.get_contact(contact_id)
    record.introduced_by = by
    return record


def test_cadence_status_says_due_or_overdue():
    last = NOW - dt.timedelta(days=25)
    assert history.cadence_status(30, last, now=NOW).describe() == "Due in 5 days"
    late = history.cadence_status(30, NOW - dt.timedelta(days=51), now=NOW)
    assert late.overdue and late.describe() == "Overdue by 3 weeks"
    assert history.cadence_status(0, last, now=NOW).describe() == "No keep-in-touch cadence"
    assert history.cadence_status(91, None, now=NOW).describe() == "Due today"


def test_overdue_list_orders_by_how_late(notebook):
    jo, kim, lee, max_ = (person(n, cadence_days=c) for n, c in [("Jo", 30), ("Kim", 30), ("Lee", 365), ("Max", 0)])
    exchange(jo, "phone", 100)
    exchange(kim, "email", 40)
    exchange(lee, "email", 40)
    exchange(max_, "email", 400)
    lines = history.overdue(NOW)
    assert [line.contact_id for line in lines] == [jo, kim]
    assert lines[0].reason == "Monthly: overdue by 2 months, last contact 3 months ago"
    assert contacts.count_contacts(show="overdue") == 2


def test_birthdays_this_week(notebook):
    today = dt.date(2026, 11, 23)
    person("Nia", birthday="1990-11-25")
    person("Oto", birthday="--11-23")
    person("Pia", birthday="1985-12-10")
    person("Quinn", birthday="19921129")
    lines = history.birthdays(today)
    assert [line.display_name for line in lines] == ["Oto Tester", "Nia Tester", "Quinn Tester"]
    assert lines[0].reason == "Birthday today, 23 November"
    assert lines[1].reason == "Birthday Wednesday, 25 November (turns 36)"


def test_leap_day_birthdays_come_on_the_28th_in_other_years(notebook):
    person("Rae", birthday="2000-02-29")
    assert [line.display_name for line in history.birthdays(dt.date(2027, 2, 26))] == ["Rae Tester"]


def test_take_it_offline_ranks_recent_frequent_online_people(notebook):
    often, once, called, old = person("Often"), person("Once"), person("Called"), person("Old")
    for days in (2, 9, 15, 40, 60, 90):
        exchange(often, "linkedin" if days % 2 else "x", days)
    exchange(once, "email", 1)
    for days in (1, 2, 3):
        exchange(called, "x", days)
    exchange(called, "video", 30)
    exchange(old, "x", 400)
    lines = history.take_it_offline(NOW)
    assert [line.contact_id for line in lines] == [often, once]
    assert lines[0].reason == "6 X/Twitter and LinkedIn exchanges in 6 months, last 2 days ago; never called"
    assert lines[1].reason == "1 Email exchange in 6 months, last yesterday; emailed but never called"


def test_channels_can_be_added_renamed_hidden_ordered_and_deleted_safely(notebook):
    sam = person("Sam")
    new = history.add_channel("Conference app", step=0)
    with pytest.raises(HistoryError, match="already"):
        history.add_channel("conference APP")
    key = next(c.key for c in history.channels() if c.id == new)
    exchange(sam, key, 2, summary="Chatted in the app")
    history.rename_channel(new, "Whova")
    history.set_channel_hidden(new, True)
    assert "Whova" not in [c.name for c in history.channels()]
    assert history.history(sam)[0].channel_name == "Whova"
    with pytest.raises(HistoryError, match="has history"):
        history.delete_channel(new)
    phone = history.channel_by_key("phone").id
    history.delete_channel(new, move_to=phone)
    assert history.history(sam)[0].channel_name == "Phone" and history.summary(sam).step == 2
    order = [c.id for c in history.channels()][::-1]
    history.order_channels(order)
    assert [c.id for c in history.channels()] == order


def test_list_sorts_and_filters_by_history(notebook):
    met, spoken, online, none = person("Met"), person("Spoken"), person("Online"), person("None")
    exchange(met, "in_person", 50)
    exchange(spoken, "phone", 5)
    exchange(online, "x", 1)
    names = [row.display_name for row in contacts.list_contacts("last_contact")]
    assert names == ["Online Tester", "Spoken Tester", "Met Tester", "None Tester"]
    assert [row.display_name for row in contacts.list_contacts("step")][:3] == [
        "Met Tester", "Spoken Tester", "Online Tester"]
    assert [row.id for row in contacts.list_contacts(show="met")] == [met]
    assert {row.id for row in contacts.list_contacts(show="never_spoken")} == {online, none}
    assert [row.id for row in contacts.list_contacts(show="no_history")] == [none]
    assert search.search("Tester", show="met") == [met]


def test_describe_days_and_ago():
    assert [history.describe_days(d) for d in (0.5, 1, 5, 21, 120, 800)] == [
        "less than a day", "1 day", "5 days", "3 weeks", "4 months", "2 years"]
    assert history.describe_ago(NOW - dt.timedelta(days=21), NOW) == "3 weeks ago"


def test_the_take_it_offline_score_reads_the_exchanges_index_alone(notebook):
    """The score sums every candidate's exchanges of the last six months: it reads the index of
    a person's exchanges by time, which carries their message counts (schema version 16), and
    never the table's rows (at 1,000,000 exchanges, 235 ms against 79 ms)."""
    from model.schema import database

    statements: list[str] = []
    connection = database.connection()
    connection.set_trace_callback(statements.append)
    try:
        history.take_it_offline(clock.now(), limit=5)
    finally:
        connection.set_trace_callback(None)
    [score] = [sql for sql in statements if "AS score" in sql]
    plan = " | ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {score}"))
    assert "COVERING INDEX interaction_contact_id_occurred_at" in plan, plan
