"""Benchmark notebooks: seeded synthetic people written through the model API.

Notebooks are cached in bench-output/ by size, so a second `make bench` starts measuring at
once; delete the folder to rebuild them.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from model import contacts, storage
from model.contacts import ContactPointRecord, ContactRecord

OUTPUT = Path(__file__).resolve().parents[2] / "bench-output"
SHARED_BENCH = Path(__file__).resolve().parents[3] / "shared" / "bench"

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


def notebook_file(count: int) -> Path:
    """A notebook of `count` people, built once and then reused."""
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"people-{count}.rapport"
    if path.exists():
        return path
    partial = OUTPUT / f"people-{count}.partial.rapport"
    partial.unlink(missing_ok=True)
    notebook = storage.open_notebook(partial)
    rng = random.Random(1)
    for start in range(0, count, 5000):
        contacts.add_contacts([person(rng, n) for n in range(start, min(count, start + 5000))])
    notebook.close()
    shutil.move(partial, path)
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    return path
