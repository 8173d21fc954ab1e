"""Seeded synthetic history exports for `make bench`: a WhatsApp export and an SMS backup.

- `whatsapp_zip(path, messages, people)`: one Android "Export chat" file per person, zipped as a
  phone shares them, `dd/MM/yyyy, HH:mm - Name: text`, the user writing as "Me" about a third of
  the messages, over two years, with multi-line messages and media lines.
- `sms_backup(path, messages, people)`: an SMS Backup & Restore `sms-*.xml` with `<sms>` rows
  (received and sent) to US numbers, and one MMS in fifty.

Run as a script: `python tests/benchmarks/gen_exports.py OUT_FOLDER [--messages N] [--people N]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

WORDS = ["call", "tomorrow", "lunch", "meeting", "coffee", "thanks", "see", "you", "soon", "great", "idea", "the",
         "slides", "are", "ready", "how", "was", "trip", "happy", "birthday", "let", "me", "know", "sounds", "good",
         "on", "my", "way"]
START = dt.datetime(2024, 1, 1, 8, 0)


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 12))).capitalize()


def whatsapp_zip(path: Path, messages: int = 200_000, people: int = 500, seed: int = 19) -> Path:
    rng = random.Random(seed)
    per_person = messages // people
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for number in range(people):
            name = f"Person {number:04d}"
            moment = START + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 30))
            lines = ["01/01/2024, 08:00 - Messages and calls are end-to-end encrypted. No one outside of this chat,"
                     " not even WhatsApp, can read or listen to them. Tap to learn more."]
            for _ in range(per_person):
                moment += dt.timedelta(minutes=rng.choice((1, 2, 5, 30, 240, 1440, 4320)))
                sender = "Me" if rng.random() < 0.35 else name
                text = "<Media omitted>" if rng.random() < 0.05 else _text(rng)
                if rng.random() < 0.03:
                    text += "\n" + _text(rng)
                lines.append(f"{moment:%d/%m/%Y, %H:%M} - {sender}: {text}")
            archive.writestr(f"WhatsApp Chat with {name}.txt", "\n".join(lines) + "\n")
    return path


def sms_backup(path: Path, messages: int = 100_000, people: int = 500, seed: int = 21) -> Path:
    rng = random.Random(seed)
    numbers = [f"+1912555{n:04d}" for n in range(people)]
    names = [f"Contact {n:04d}" for n in range(people)]
    moment = int(START.replace(tzinfo=dt.UTC).timestamp() * 1000)
    with path.open("w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n")
        out.write(f'<smses count="{messages}" backup_set="bench" backup_date="1700000000000" type="full">\n')
        for _ in range(messages):
            moment += rng.randint(1000, 600_000)
            who = rng.randrange(people)
            kind = rng.choice((1, 1, 2))
            if rng.random() < 0.02:
                out.write(f'  <mms date="{moment}" msg_box="{kind}" address="{numbers[who]}"'
                          f' contact_name="{names[who]}"><parts><part seq="0" ct="text/plain"'
                          f' text={quoteattr(_text(rng))} /></parts><addrs><addr address="{numbers[who]}"'
                          f' type="{137 if kind == 1 else 151}" /></addrs></mms>\n')
                continue
            out.write(f'  <sms protocol="0" address="{numbers[who]}" date="{moment}" type="{kind}" subject="null"'
                      f' body={quoteattr(_text(rng))} read="1" status="-1" contact_name="{names[who]}" />\n')
        out.write("</smses>\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--messages", type=int, default=0)
    parser.add_argument("--people", type=int, default=500)
    arguments = parser.parse_args()
    arguments.folder.mkdir(parents=True, exist_ok=True)
    whatsapp_zip(arguments.folder / "whatsapp.zip", arguments.messages or 200_000, arguments.people)
    sms_backup(arguments.folder / "sms-bench.xml", arguments.messages or 100_000, arguments.people)


if __name__ == "__main__":
    main()
