"""Writing a big vCard export on every core.

Each card of an export depends on one person only, and reading and writing 50,000 people is
about 7 s of one core (half of it reading the rows, half writing the text). So the people, in
the file's order, are cut into runs of RUN_PEOPLE; worker processes (started as the import's
are, see model/parallel_read.py) each open the notebook read-only and hand back a run's cards
as text, and this process writes the runs in order, making the next run itself whenever the
one due is not ready, so that it is not idle while the workers start or work.

A run is read by ids, a few hundred at a time, which costs about 1.2x what one scan of each
table costs a single process (the rows of people next to each other in name order are
scattered over the file), and makes up for it on two cores: 50,000 people took 4.0-4.6 s
instead of 7.0-7.8 s (four runs each, 2026-12-03). Below PARALLEL_FROM people, on one core, or
when the notebook has no file to open again, the export is written here, by those scans, as one
process always did.

The cards are byte for byte what a single process writes (tests/model/test_parallel_write.py).
A person changed while a big export runs in the window is written as they were when their run
was read, whole; nobody is written twice or left out.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TextIO

from model import contacts, parallel_read, storage, vcard

RUN_PEOPLE = 1000
PARALLEL_FROM = 5000
WINDOW = 8  # runs made ahead of the one due to be written, at most


def export_vcards(path: str | Path, version: str = "3.0", contact_ids: Sequence[int] | None = None,
                  processes: int | None = None) -> int:
    """Write the people with `contact_ids` (in that order), or everyone in name order, to the
    .vcf file at `path`, all or nothing (as vcard.export_file does), with `processes` processes
    (this one included; by default one a core). Returns how many were written; raises OSError
    or ValueError."""
    if version not in ("3.0", "4.0"):
        raise ValueError(f"vCard version {version} cannot be written; choose 3.0 or 4.0")
    processes = parallel_read.worker_count() if processes is None else processes
    notebook = storage.current_path()
    count = contacts.count_contacts() if contact_ids is None else len(contact_ids)
    if processes < 2 or notebook is None or not notebook.is_file() or count < PARALLEL_FROM:
        return vcard.export_file(contacts.iter_contacts(contact_ids), path, version)
    ids = contacts.ids_in_name_order() if contact_ids is None else list(contact_ids)
    return storage.write_whole(path, lambda stream: _write_runs(stream, notebook, ids, version, processes))


def _write_runs(stream: TextIO, notebook: Path, ids: list[int], version: str, processes: int) -> int:
    """Write the runs of `ids` in order. This process makes the first run nobody has whenever
    the one due is not ready; a thread per worker keeps that worker busy with the next; at most
    WINDOW runs are made ahead of the one due."""
    runs = [ids[start:start + RUN_PEOPLE] for start in range(0, len(ids), RUN_PEOPLE)]
    state = threading.Condition()
    made: dict[int, tuple[str, int] | BaseException | None] = {}  # None: its worker died
    claimed = due = 0
    stopping = False

    def claim(wait: bool) -> int | None:
        """The next run nobody has, or None: all taken, stopping, or (not `wait`) too far ahead."""
        nonlocal claimed
        with state:
            while claimed - due >= WINDOW and not stopping:
                if not wait:
                    return None
                state.wait()
            if stopping or claimed == len(runs):
                return None
            claimed += 1
            return claimed - 1

    def hand_in(number: int, result: tuple[str, int] | BaseException | None) -> None:
        with state:
            made[number] = result
            state.notify_all()

    def feed(pool: ProcessPoolExecutor) -> None:
        while (number := claim(wait=True)) is not None:
            try:  # the first submit waits for its worker to start; this process works meanwhile
                hand_in(number, pool.submit(worker_cards, str(notebook), runs[number], version).result())
            except BrokenProcessPool:
                hand_in(number, None)
            except BaseException as error:  # raised where the runs are written
                hand_in(number, error)

    # A fork server that loads only what writing needs (an import's also loads the collation
    # table and the phone metadata: 0.15 s more before the first worker runs), unless one runs.
    pool = parallel_read.worker_pool(processes - 1, preload="model.parallel_write")
    feeders = [threading.Thread(target=feed, args=(pool,), name=f"export feeder {n}", daemon=True)
               for n in range(processes - 1)]
    for feeder in feeders:
        feeder.start()
    written = 0
    try:
        while due < len(runs):
            with state:
                ready = due in made
            if not ready:
                number = claim(wait=False)
                if number is not None:
                    hand_in(number, cards_of(runs[number], version))
                    continue
                with state:
                    while due not in made:
                        state.wait()
            with state:
                result = made.pop(due)
            if result is None:  # no worker could make it (one was killed, or none could start)
                result = cards_of(runs[due], version)
            if isinstance(result, BaseException):
                raise result
            stream.write(result[0])
            written += result[1]
            with state:
                due += 1
                state.notify_all()
        return written
    finally:
        with state:
            stopping = True
            state.notify_all()
        for feeder in feeders:
            feeder.join()
        pool.shutdown(wait=True, cancel_futures=True)


_opened: tuple[str, storage.Notebook] | None = None


def worker_cards(notebook: str, run: list[int], version: str) -> tuple[str, int]:
    """In a worker: `cards_of(run, version)` from the notebook at `notebook`, opened once."""
    global _opened
    if _opened is None or _opened[0] != notebook:
        _opened = (notebook, storage.open_notebook(notebook, read_only=True, check=False))
    return cards_of(run, version)


def cards_of(run: list[int], version: str) -> tuple[str, int]:
    """The cards of the people in `run`, in its order, and how many there were (someone deleted
    meanwhile is left out), from the notebook open in this process."""
    cards = [vcard.serialize(record, version) for record in contacts.iter_contacts(run)]
    return "".join(cards), len(cards)
