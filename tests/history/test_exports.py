"""History exports read as the services write them: every corpus file, counted exactly.

Each row says, for one real file of tests/data/corpus/history (PROVENANCE.md there says where
it comes from), how many exchanges it holds once the user's own side is recognised and system
lines are left out, who the people are, and the first and last day (in UTC: the times without
a zone are read in the zone the test gives). The counts were checked by reading the files:
e.g. the Arabic iOS chat has 25 lines, the first the encryption notice; the Thunderbird spool
holds one message twice and one from a mailing list.
"""

import datetime as dt
import io
import zipfile

import pytest

from model import exchange_import, history
from model.exchange_import import plan_found
from model.exports import read_paths
from tests.conftest import CORPUS

HISTORY = CORPUS / "history"

FILES = [
    ("android-sms-calls/calls-memacs-2011-crlf-minimal-attrs.xml", 7, 7, "2011-08-04", "2011-08-05"),
    ("android-sms-calls/calls-memacs-superbackup-alllogs.xml", 2, ["TestPerson1", "TestPerson2"], "2018-09-17",
     "2018-09-17"),
    ("android-sms-calls/calls-mobilecombackup-v3.51-comment-readable-date.xml", 12, 10, "2014-11-03", "2015-04-18"),
    ("android-sms-calls/sms-mobilecombackup-v7.21-sms-mms-parts.xml", 15,
     ["+15555550005", "7535", "Jane Smith", "Ted Turner", "lamer000@aol.com"], "2013-07-15", "2015-04-17"),
    ("android-sms-calls/sms-personalhistorydb-group-tilde-address-null-body-synthetic.xml", 7,
     ["+15550000000", "+15551111111", "Bob Smith", "Jane Doe"], "2023-11-14", "2023-11-14"),
    ("contacts-csv/ox-outlook-japanese-headers-via-index.csv", 0, ["Max Mustermann"], "", ""),
    ("contacts-csv/thunderbird-export-shiftjis-crlf.csv", 0, ["名無しの権兵衛"], "", ""),
    ("contacts-csv/thunderbird-semicolon-delimited.csv", 0, ["Jane Doe", "John Doe"], "", ""),
    ("contacts-csv/roundcube-google-legacy-multiline-address-group-sep.csv", 0,
     ["Prefix Firstname Middle Lastname Suffix"], "", ""),
    ("linkedin/linkedinexportviewer-invitations-profile-url-columns-synthetic.csv", 162, 154, "1823-07-18",
     "1851-11-23"),
    ("linkedin/networkjobs-connections-notes-preamble-abbreviated.csv", 10, 10, "2024-01-01", "2024-10-10"),
    ("mbox/mailpile-mixed-encoded-words-odd-headers.mbox", 5, ["Barnaby Walters", "Brennan Novak", "Nobody",
                                                               "test&test"], "2013-09-16", "2014-01-17"),
    ("mbox/mboxtosqlite-enron-folded-cc-x-from.mbox", 2, ["valarie.sabo@enron.com", "vladimir.gorny@enron.com"],
     "2000-12-29", "2001-03-09"),
    ("mbox/personalhistorydb-gmail-takeout-x-gm-thrid-labels-synthetic.mbox", 2, ["Generic Sender", "Sender Name"],
     "2024-01-15", "2024-01-16"),
    ("mbox/thunderbird-movemail-spool-x-mozilla-status.mbox", 2, ["Some User", "primaryemail1@test.invalid"],
     "2008-05-07", "2008-06-06"),
    ("mbox/thunderbird-unquoted-from-in-body.mbox", 2, ["Author"], "2005-08-22", "2005-08-23"),
    ("meta-dyi/chatanalytics-messenger-bom-files-audio-sticker.json", 7, ["Alice"], "2014-11-05", "2014-11-05"),
    ("meta-dyi/langchain-messenger-two-users-photos.json", 11, ["User 1"], "2023-02-04", "2023-02-05"),
    ("telegram/chatanalytics-dm-service-entities-unixtime.json", 7, ["Bob"], "2019-07-12", "2023-08-11"),
    ("telegram/chatminer-full-account-chats-list.json", 2, ["Author 1", "Author 2"], "2018-12-05", "2018-12-05"),
    ("telegram/langchain-old-int-from-id-mojibake-emoji-name.json", 3, ["Grace 🧤"], "2020-01-01", "2020-01-01"),
    ("whatsapp/chatanalytics-android-group-dmy-no-final-newline.txt", 11, ["Alice", "Bob", "Eve", "Mallory", "Trent"],
     "2020-09-12", "2020-09-12"),
    ("whatsapp/chatminer-android-dmy-24h-emoji-sender.txt", 6, ["Jahn Doe", "John Doe", "John Doe 🤓", "John-John Doe",
                                                                "🤓"], "2019-01-01", "2021-12-30"),
    ("whatsapp/chatminer-android-mdy4-spanish-a-m-p-m.txt", 6, 5, "2019-01-01", "2021-12-30"),
    ("whatsapp/chatminer-ios-brackets-no-comma-24h.txt", 6, 5, "2019-01-01", "2021-12-30"),
    ("whatsapp/langchain-ios-lrm-image-omitted.txt", 11, ["Dr. Feather"], "2023-08-15", "2023-08-15"),
    ("whatsapp/langchain-mixed-variants-nnbsp-ampm.txt", 10, 7, "2021-01-24", "2023-06-29"),
    ("whatsapp/timelinize-ios-lrm-crlf-calls-polls-es.txt", 17, ["Person 1", "Person 2", "Person 3",
                                                                 "Persona español"], "2020-01-01", "2025-07-01"),
    ("whatsapp/whatsappchatparser-ios-dotted-dmy-crlf-poll-lf.txt", 48, ["Emily", "John", "Loris"], "2019-06-20",
     "2019-06-20"),
    ("whatsapp/whatsjson-android-dutch-dashed-dates-media.txt", 40, ["Elon"], "2022-03-18", "2023-01-07"),
    ("whatsapp/whatsjson-android-group-admin-system-messages.txt", 4, ["Dmitry S"], "2023-01-11", "2023-01-11"),
    ("whatsapp/whatsjson-android-russian.txt", 59, ["Elon"], "2022-03-18", "2023-01-07"),
    ("whatsapp/whatsjson-ios-arabic-rlm-arabic-comma.txt", 24, ["Elon Musk"], "2022-03-27", "2023-01-07"),
    ("whatsapp/whatsjson-ios-buddhist-calendar-be-year.txt", 25, ["Elon Musk"], "2022-03-27", "2023-01-12"),
    ("whatsapp/whatsjson-ios-french.txt", 24, ["Elon Musk"], "2022-03-27", "2023-01-07"),
    ("whatsapp/whatsjson-ios-japanese.txt", 27, ["Elon Musk"], "2022-03-27", "2023-01-12"),
    ("whatsapp/whatsjson-ios-vietnamese.txt", 27, ["Musk Elon"], "2022-03-27", "2023-01-12"),
    ("whatsapp/whatstk-android-dmy-dotted-group-system.txt", 18, 8, "2016-08-06", "2016-10-31"),
    ("x-twitter/twitterarchivebrowser-dms-part0-reactions-media-urls.js", 6, ["X account 4196983835"], "2017-07-03",
     "2017-08-26"),
]


def _plan(paths, zone=dt.UTC):
    found = list(read_paths([str(path) for path in paths], zone=zone))
    return found, plan_found([str(path) for path in paths], found, zone=zone)


@pytest.mark.parametrize(("name", "exchanges", "people", "first", "last"), FILES,
                         ids=[row[0].split("/")[1] for row in FILES])
def test_each_corpus_file_gives_its_exchanges_people_and_dates(notebook, name, exchanges, people, first, last):
    found, plan = _plan([HISTORY / name])
    assert sum(len(f.messages) for f in found) == 0  # planned: the messages' memory is given back
    assert plan.rejected == []
    assert plan.summary()["exchanges_new"] == exchanges
    names = sorted(person.name for person in plan.included())
    assert (len(names) if isinstance(people, int) else names) == people
    firsts = [p.first for p in plan.people if p.first]
    lasts = [p.last for p in plan.people if p.last]
    assert (str(min(firsts).date()) if firsts else "") == first
    assert (str(max(lasts).date()) if lasts else "") == last


def test_every_corpus_file_is_read_and_none_is_rejected(notebook):
    found, plan = _plan([HISTORY])
    assert len({f.file for f in found}) == 47 and plan.rejected == []


def test_the_user_is_recognised_and_never_becomes_a_contact(notebook):
    _found, plan = _plan([HISTORY / "whatsapp" / "langchain-ios-lrm-image-omitted.txt"])
    assert plan.summary()["me"] == {str(HISTORY / "whatsapp" / "langchain-ios-lrm-image-omitted.txt"): "Jungle Jane"}
    [feather] = plan.people
    assert {day.direction for day in feather.days.values()} == {"both"}
    # The X archive: account.js names the user, even read from a zip with the messages.
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("data/account.js", b'window.YTD.account.part0 = [{"account": {"accountId": "4196983835",'
                                        b' "username": "me"}}]')
        out.write(HISTORY / "x-twitter" / "twitterarchivebrowser-dms-part0-reactions-media-urls.js",
                  "data/direct-messages.js")
    path = notebook.path.parent / "twitter-archive.zip"
    path.write_bytes(archive.getvalue())
    _found, plan = _plan([path])
    assert [p.name for p in plan.people] == ["X account 846137120209190912"]
    assert plan.summary()["questions"] == []


def test_the_date_order_is_decided_from_the_whole_chat(notebook, tmp_path):
    chat = tmp_path / "chat.txt"
    # Only the last line says the order: 13 can only be a day.
    chat.write_text("03/04/22, 10:00 - Ann: one\n05/04/22, 10:00 - Me: two\n13/04/22, 10:00 - Ann: three\n")
    _found, plan = _plan([chat])
    assert sorted(str(p.first.date()) for p in plan.people) == ["2022-04-03"]
    assert plan.summary()["questions"][0]["question"] == "took Ann to be you (the more frequent sender)"
    # Nothing says it: a question, and day first until answered.
    chat.write_text("03/04/22, 10:00 - Ann: one\n03/04/22, 10:05 - Bo: two\n")
    _found, plan = _plan([chat])
    assert "day/month or month/day" in plan.summary()["questions"][0]["question"]


def test_a_second_import_adds_only_what_is_new(notebook, tmp_path):
    chat = tmp_path / "WhatsApp Chat with Ann Lee.txt"
    lines = ["[3/1/26, 09:00:00] Ann Lee: hello", "[3/1/26, 09:01:00] Me: hi Ann", "[3/1/26, 09:01:00] Me: hi Ann"]
    chat.write_text("\n".join(lines) + "\n")
    plan, applied = exchange_import.import_paths([chat])
    assert plan.summary()["exchanges_new"] == 3 and plan.summary()["people_new"] == 1
    [entry] = history.history(applied.added[0])
    assert (entry.summary, entry.messages, entry.direction, entry.channel_key) == (
        "3 WhatsApp messages, both ways", 3, "both", "whatsapp")
    assert entry.notes == ""  # message text is not kept unless asked
    again, applied_again = exchange_import.import_paths([chat])
    assert again.summary()["exchanges_new"] == 0 and again.summary()["exchanges_unchanged"] == 3
    assert again.summary()["people_matched"] == 1 and applied_again.interactions == []
    # A newer export overlaps the old one: the day grows, a new day is a new entry.
    chat.write_text("\n".join(lines + ["[3/1/26, 18:00:00] Ann Lee: see you", "[3/2/26, 08:00:00] Ann Lee: morning"])
                    + "\n")
    newer, _applied = exchange_import.import_paths([chat], keep_text=True)
    assert newer.summary()["exchanges_new"] == 2
    entries = history.history(applied.added[0])
    assert [(e.summary, e.messages) for e in entries] == [("1 WhatsApp message, from them", 1),
                                                          ("4 WhatsApp messages, both ways", 4)]
    assert entries[0].notes == "morning"


def test_an_import_is_undone_whole(notebook, tmp_path):
    from model import contacts

    before = contacts.count_contacts()
    plan, applied = exchange_import.import_paths([HISTORY / "whatsapp"])
    assert contacts.count_contacts() > before
    exchange_import.undo_import(applied)
    assert contacts.count_contacts() == before
    assert exchange_import.read_plan([HISTORY / "whatsapp"]).summary()["exchanges_unchanged"] == 0


def test_imported_history_feeds_take_it_offline(notebook, tmp_path):
    now = dt.datetime(2026, 3, 20, 12, tzinfo=dt.UTC)
    chat = tmp_path / "WhatsApp Chat with Ann Lee.txt"
    lines = [f"[3/{day}/26, 09:0{n}:00] {'Ann Lee' if n % 2 else 'Me'}: message {n}" for day in range(1, 11)
             for n in range(4)]
    chat.write_text("\n".join(lines) + "\n")
    exchange_import.import_paths([chat])
    [line] = history.take_it_offline(now)
    assert line.reason.startswith("40 WhatsApp messages both ways in 6 months") and line.reason.endswith(
        "never called")


def test_bad_input_is_reported_and_loses_nothing(notebook, tmp_path):
    bomb = tmp_path / "sms-bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                    '<smses><sms address="+15550001" date="1" type="1" body="&b;"/></smses>')
    truncated = tmp_path / "export.zip"
    truncated.write_bytes(b"PK\x03\x04" + b"\x00" * 20)
    garbled = tmp_path / "chat.txt"
    garbled.write_bytes(b"not a chat at all\n\xff\xfe\x00")
    good = HISTORY / "whatsapp" / "whatsjson-ios-german.txt"
    _found, plan = _plan([bomb, truncated, garbled, good])
    reasons = {file.rsplit("/", 1)[-1]: reason for file, _line, reason in plan.rejected}
    assert "not readable XML" in reasons["sms-bomb.xml"]
    assert "not a readable zip archive" in reasons["export.zip"]
    assert "no WhatsApp messages found" in reasons["chat.txt"]
    assert plan.summary()["exchanges_new"] == 24  # the good file is read all the same


def test_a_meta_download_is_read_as_a_whole(notebook, tmp_path):
    import json

    def thread(other, texts):
        return json.dumps({"participants": [{"name": other}, {"name": "Sam Jos\u00c3\u00a9"}],
                           "messages": [{"sender_name": sender, "timestamp_ms": 1_700_000_000_000 + n * 60_000,
                                         "content": text} for n, (sender, text) in enumerate(texts)],
                           "thread_path": "inbox/whoever_123"})

    path = tmp_path / "facebook-sam.zip"
    with zipfile.ZipFile(path, "w") as out:
        out.writestr("your_activity_across_facebook/messages/inbox/ann_1/message_1.json",
                     thread("Ann", [("Ann", "hi"), ("Ann", "there"), ("Sam Jos\u00c3\u00a9", "hello")]))
        out.writestr("your_instagram_activity/messages/inbox/bo_2/message_1.json",
                     thread("Bo", [("Sam Jos\u00c3\u00a9", "hey"), ("Bo", "yo")]))
    _found, plan = _plan([path])
    assert set(plan.summary()["me"].values()) == {"Sam José"}  # Meta's latin-1 escapes repaired
    assert plan.summary()["questions"] == []
    people = {person.name: person for person in plan.people}
    assert sorted(people) == ["Ann", "Bo"]
    assert people["Ann"].channels == ["facebook"] and people["Bo"].channels == ["instagram"]
    assert people["Ann"].messages == 3


def test_linkedin_messages_and_a_merge_of_two_people(notebook, tmp_path):
    messages = tmp_path / "messages.csv"
    messages.write_text(
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,RECIPIENT PROFILE URLS,TO,DATE,SUBJECT,CONTENT,"
        "FOLDER\n"
        "c1,,Ann Lee,https://www.linkedin.com/in/annlee,https://www.linkedin.com/in/me,Sam Me,"
        "2026-02-01 09:00:00 UTC,,Coffee?,INBOX\n"
        "c1,,Sam Me,https://www.linkedin.com/in/me,https://www.linkedin.com/in/annlee,Ann Lee,"
        "2026-02-01 10:00:00 UTC,,Sure,INBOX\n"
        "c2,,Sam Me,https://www.linkedin.com/in/me,https://www.linkedin.com/in/bo,Bo Park,"
        "2026-02-03 10:00:00 UTC,,Hello Bo,INBOX\n", encoding="utf-8")
    chat = tmp_path / "WhatsApp Chat with Ann.txt"
    chat.write_text("[2/5/26, 09:00:00] Ann: see you Friday\n[2/5/26, 09:01:00] Sam Me: yes\n")
    _found, plan = _plan([messages, chat])
    assert plan.summary()["me"][str(messages)] == "Sam Me"
    names = [person.name for person in plan.people]
    assert sorted(names) == ["Ann", "Ann Lee", "Bo Park"]
    lee, ann = names.index("Ann Lee"), names.index("Ann")
    assert plan.people[lee].channels == ["linkedin"]
    plan.merge(lee, ann)  # the user says the WhatsApp "Ann" is Ann Lee
    [merged] = [person for person in plan.people if person.name == "Ann Lee"]
    assert sorted(merged.channels) == ["linkedin", "whatsapp"] and merged.messages == 4
    applied = exchange_import.apply_plan(plan)
    assert len(applied.added) == 2  # Ann Lee and Bo Park
    channels = sorted(sorted(entry.channel_key for entry in history.history(contact_id))
                      for contact_id in applied.added)
    assert channels == [["linkedin"], ["linkedin", "whatsapp"]]
