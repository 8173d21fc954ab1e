"""Benchmark notebooks: seeded synthetic people written through the model API.

Notebooks are cached in bench-output/ by size, so a second `make bench` starts measuring at
once; delete the folder to rebuild them.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import time
from pathlib import Path

from model import contacts, history, migrations, search, storage
from model.contacts import ContactPointRecord, ContactRecord

OUTPUT = Path(__file__).resolve().parents[2] / "bench-output"
GENERATOR = Path(__file__).resolve().parent / "gen_vcards.py"  # a copy of ../shared/bench/gen_vcards.py

GIVEN = ["Anna", "Bob", "Cathy", "Cheryl", "April", "Andy", "Heather", "Betsy", "Joe", "Susie", "Faye", "John",
         "José", "Zoë", "Łukasz", "Mária", "Søren", "Chloé", "Mehmet", "Aiko", "Мария", "Дмитрий", "太郎", "美咲",
         "Priya", "Arjun", "Fatima", "Omar", "Lucía", "Nguyễn", "Grace", "Liam", "Mei", "Kwame", "Amara", "Hannah"]
FAMILY = ["Rogers", "Smith", "Groves", "Lopata", "Townsend", "Stenberg", "Müller", "O'Brien", "García", "Kowalski",
          "Nielsen", "Dubois", "Yılmaz", "Tanaka", "Иванова", "Петров", "山田", "佐藤", "Sharma", "Haddad",
          "van der Berg", "Nguyen", "Schmidt", "Rossi", "Walker", "Chen", "Mensah", "Okafor", "Costa", "Becker"]
COMPANIES = ["Doxbond", "HighCallingBlogs", "Savannah Downtown Business Association", "Acme Ltd", "Nordlys AS",
             "Cambridgeshire Chamber of Commerce", "Groves Realty", "Müller & Söhne", "Lotus Robotics", ""]
CITIES = [("Savannah", "United States"), ("Boston", "United States"), ("Cambridge", "United Kingdom"),
          ("Berlin", "Germany"), ("Kraków", "Poland"), ("Tokyo", "Japan"), ("Mumbai", "India"),
          ("St. John's", "Canada"), ("Sydney", "Australia"), ("Lagos", "Nigeria")]
NOTES = ["Met at the monthly networking breakfast, talked about the weather",
         "Introduced by Cathy. Likes sailing, two kids", "Connected on LinkedIn, never spoken",
         "Runs the real-estate group, great speaker", ""]


def person(rng: random.Random, number: int) -> ContactRecord:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    city, country = rng.choice(CITIES)
    return ContactRecord(
        given_name=given, family_name=family, organisation=rng.choice(COMPANIES),
        title=rng.choice(["CEO", "", "Owner"]),
        city=city, country=country, notes=rng.choice(NOTES), tags=[rng.choice(["friends", "work", "investors"])],
        points=[ContactPointRecord("phone", f"+1 {rng.randrange(200, 999)} 555 {number % 10000:04d}", "mobile",
                                   normalised=f"+1{rng.randrange(200, 999)}555{number % 10000:04d}"),
                ContactPointRecord("email", f"{given.lower()}.{number}@example.com", "work",
                                   normalised=f"{given.lower()}.{number}@example.com")],
    )


def _built_once(name: str, fill, base: Path | None = None) -> Path:
    """bench-output/<name>-v<schema>.rapport, made the first time by `fill(notebook)` on a copy of
    `base` (or a new notebook) and kept; a half-built file never takes its name."""
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"{name}-v{migrations.CURRENT_VERSION}.rapport"
    if path.exists():
        return path
    partial = OUTPUT / f"{name}.partial.rapport"
    partial.unlink(missing_ok=True)
    if base is not None:
        shutil.copy(base, partial)
    notebook = storage.open_notebook(partial)
    fill(notebook)
    notebook.close()
    shutil.move(partial, path)
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    return path


def notebook_file(count: int) -> Path:
    """A notebook of `count` people, built once and then reused."""
    def fill(_notebook) -> None:
        rng = random.Random(1)
        for start in range(0, count, 5000):
            contacts.add_contacts([person(rng, n) for n in range(start, min(count, start + 5000))])
        search.optimize()  # as an import of that many people leaves it
    return _built_once(f"people-{count}", fill)


def history_notebook_file(people: int = 100_000, exchanges: int = 1_000_000) -> Path:
    """The `people` notebook plus `exchanges` interactions over three years, a tenth of the
    people with a keep-in-touch cadence; built once (raw inserts, then one derived-column pass)."""
    def fill(notebook) -> None:
        rng = random.Random(2)
        connection = notebook.database.connection()
        channel_ids = [row[0] for row in connection.execute("SELECT id FROM channel ORDER BY position")]
        weights = [3, 1, 1, 6, 4, 4, 1, 1, 10, 8, 2, 2, 1, 1][:len(channel_ids)]
        now = time.time()
        with notebook.database.atomic():
            for start in range(0, exchanges, 50_000):
                rows = []
                for _ in range(min(50_000, exchanges - start)):
                    # Skewed: a few people hold much of the history, as in real notebooks.
                    contact_id = 1 + int(people * rng.random() ** 2)
                    moment = dt.datetime.fromtimestamp(now - rng.random() * 3 * 365 * 86400, dt.UTC)
                    rows.append((contact_id, rng.choices(channel_ids, weights)[0], history.stamp(moment),
                                 rng.choice(["out", "in", "both"]), rng.choice(SUMMARIES)))
                connection.executemany("INSERT INTO interaction (contact_id, channel_id, occurred_at, direction,"
                                       " summary) VALUES (?, ?, ?, ?, ?)", rows)
            connection.execute("UPDATE contact SET cadence_days = 30 + (id % 4) * 60 WHERE id % 10 = 0")
            history.refresh_all()

    return _built_once(f"history-{people}-{exchanges}", fill, base=notebook_file(people))


SUMMARIES = ["Liked my post", "Replied to a thread", "Sent the slides", "Quick call about the project",
             "Coffee after the meetup", "Congratulated on the new role", "Shared an article", "Video call, 30 minutes"]


def meetings_notebook_file(people: int = 10_000, count: int = 10_000) -> Path:
    """The `people` notebook with `count` meetings over the year around today (1 to 3 people each;
    one in five a weekly or monthly series with three skipped occurrences and one changed, as
    issue 17 measures); built once."""
    from model import meetings

    def fill(notebook) -> None:
        rng = random.Random(5)
        today = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
        with notebook.database.atomic():
            for number in range(count):
                starts = today + dt.timedelta(days=rng.randrange(-182, 183), hours=rng.randrange(-8, 9))
                attendees = [meetings.Attendee(rng.randrange(1, people)) for _ in range(rng.choice([1, 1, 1, 2, 3]))]
                kind = rng.choice(list(meetings.KINDS))
                weekly = rng.random() < 0.5
                rule = ("FREQ=WEEKLY" if weekly else "FREQ=MONTHLY") if number % 5 == 0 else ""
                step = dt.timedelta(weeks=1) if weekly else dt.timedelta(days=28)
                record = meetings.MeetingRecord(
                    f"Meeting {number}", starts, starts + dt.timedelta(minutes=rng.choice([15, 30, 45, 60])), kind,
                    rng.choice(["", "Europe/Berlin", "America/New_York"]), rng.choice(["", "https://meet.jit.si/x"]),
                    rng.choice(["", "Catch up", "Workshop plan"]), rng.choice(["planned"] * 8 + ["done", "cancelled"]),
                    reminder_minutes=15, recurrence=rule, attendees=attendees,
                    exdates=[starts + step * n for n in (2, 5, 9)] if rule else [])
                meetings.save(record)
                if rule and not weekly:
                    continue
                if rule:  # one occurrence moved an hour later
                    moved = meetings.change_occurrence(record, starts + step * 3)
                    moved.starts_at += dt.timedelta(hours=1)
                    moved.ends_at += dt.timedelta(hours=1)
                    meetings.save(moved)

    return _built_once(f"meetings-{people}-{count}-series", fill, base=notebook_file(people))
