"""Reading big vCard files on every core.

Parsing is most of an import's time, and one card does not depend on another: a big file is
cut into pieces just before a line that begins BEGIN:VCARD, and a pool of worker processes
parses the pieces while the importer plans the cards already read. The pieces come back in
file order, numbered with the lines they have in the whole file, so a rejected card is
reported exactly as a plain `vcard.read_cards` would report it.

Small files, and UTF-16 ones (whose bytes cannot be cut safely), are read in this process:
starting workers costs more than it saves below a few megabytes.
"""

from __future__ import annotations

import codecs
import ctypes
import io
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import BinaryIO, TypeVar

from model import fingerprints, vcard

T = TypeVar("T")

PIECE_BYTES = 2 * 1024 * 1024
FIRST_PIECE_BYTES = 128 * 1024
MAX_PIECE_BYTES = 32 * 1024 * 1024
PARALLEL_FROM_BYTES = 4 * 1024 * 1024
_CARD_START = re.compile(rb"[\r\n]BEGIN:VCARD", re.IGNORECASE)
_LINE_BREAK = re.compile(rb"\r*\n|\r")  # as vcard._physical_lines counts them


def worker_count() -> int:
    """How many processes parse: one per core this process may use, at most four."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def read_files(paths: Iterable[Path], prepare: Callable[[vcard.ParsedCard], T],
               workers: int | None = None, known: Mapping[bytes, int] | None = None) -> Iterator[T]:
    """`prepare(card)` for every card of every file, in order. `prepare` runs where the card is
    parsed (a module-level function, so that a worker process can import it); what it returns
    travels back pickled.

    A card whose fingerprint is in `known` (see model/fingerprints.py) is not parsed: `prepare`
    gets, here, a ParsedCard with no record whose `same_as` is the person `known` names. Every
    card parsed carries its fingerprint, where it has one, in `digest`.

    Stopping early (closing the generator, as a cancelled import does) stops the workers."""
    workers = worker_count() if workers is None else workers
    pool = Workers(workers)
    try:
        for path in paths:
            if _in_pieces(path):
                parallel = workers > 1 and path.stat().st_size >= PARALLEL_FROM_BYTES
                yield from _read_in_pieces(path, prepare, pool if parallel else None, workers, known or {})
            else:
                yield from map(prepare, _read_here(path))
    finally:
        pool.shutdown()


class Workers:
    """The pool of parse workers, started on a thread of its own when a piece first needs one.
    Starting waits for the fork server to load the modules and tables (0.3-0.4 s here); the
    pieces that come meanwhile are parsed in this process, which used to wait: the import
    dialog's first rows no longer wait for the workers."""

    def __init__(self, workers: int) -> None:
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._started = threading.Event()
        self._starter: threading.Thread | None = None

    def ready(self, wait: bool = False) -> ProcessPoolExecutor | None:
        """The pool once its workers run, or None while they start (the first call starts them;
        `wait` waits for them) and if they cannot (a piece is then parsed here)."""
        if self._starter is None:
            self._starter = threading.Thread(target=self._start, name="parse workers starting", daemon=True)
            self._starter.start()
        if wait:
            self._started.wait()
        return self._pool if self._started.is_set() else None

    def _start(self) -> None:
        pool = None
        try:
            pool = worker_pool(self._workers)
            pool.submit(int).result()  # a worker runs
            self._pool = pool
        except BaseException:  # noqa: BLE001 - no worker could start: every piece is parsed here
            if pool is not None:
                pool.shutdown(wait=False, cancel_futures=True)
        finally:
            self._started.set()

    def shutdown(self) -> None:
        if self._starter is not None:
            self._starter.join()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)


def worker_pool(workers: int, preload: str = "model.import_worker") -> ProcessPoolExecutor:
    """A pool of `workers` processes (see _context; `preload` is what their fork server loads)
    that end with this one (die_with_parent)."""
    return ProcessPoolExecutor(workers, mp_context=_context(preload), initializer=die_with_parent,
                               initargs=(os.getpid(),))


def _context(preload: str) -> multiprocessing.context.BaseContext:
    """On Linux, workers forked from a fork server that has loaded what they need (`preload`;
    see model/import_worker.py): 10,000 cards took about 0.35 s less CPU (median of six paired
    runs) than with spawned workers, which each load it again. The server is a fresh
    interpreter, not a fork of this process and its threads, and ends with this process; what
    it loads is what the first workers it serves asked for. Elsewhere, spawned workers."""
    if sys.platform.startswith("linux"):
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([preload])
        return context
    return multiprocessing.get_context("spawn")


def die_with_parent(importer: int) -> None:
    """In a worker: end when the importing process ends, however it ends (kill -9 included), so
    that no worker outlives an import. The worker's parent is that process, or on Linux the fork
    server, which ends with it: Linux tells the worker at once (PR_SET_PDEATHSIG); elsewhere a
    thread notices within half a second."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass

    def gone() -> bool:
        return os.getppid() != parent or not _running(importer)

    if gone():  # it ended before the lines above
        os._exit(1)

    def watch() -> None:
        while not gone():
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _running(pid: int) -> bool:
    if os.name != "posix":  # os.kill(pid, 0) would end it on Windows; there the parent is the importer
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _in_pieces(path: Path) -> bool:
    """Whether the file's bytes can be cut into cards: it can be opened, it is not UTF-16, and it
    is not empty (_read_here says what is wrong with those)."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(2)
    except OSError:
        return False
    return bool(head) and head not in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _read_here(path: Path) -> Iterator[vcard.ParsedCard]:
    try:
        yield from vcard.read_cards(path)
    except OSError as error:
        yield vcard.ParsedCard(str(path), 0, error=f"cannot read the file: {error.strerror or error}")


def _read_in_pieces(path: Path, prepare: Callable[[vcard.ParsedCard], T], pool: Workers | None, workers: int,
                    known: Mapping[bytes, int]) -> Iterator[T]:
    """The file's cards, a piece at a time: parsed by the workers once they run (`pool` starts
    them on the first card that needs parsing), here while they start or without a pool, known
    cards not at all.

    A re-import starts the workers only once it has found PARALLEL_FROM_BYTES of cards to parse,
    as a first import of a file that big does: a weekly phone export with a hundred changed cards
    in 10,000 parsed them in 30 ms here, and then waited 0.3-0.4 s for workers to start and stop."""
    in_flight: deque[tuple[Future, tuple | None]] = deque()
    name = str(path)
    to_parse = 0  # bytes of the cards sent to be parsed so far
    try:
        with open(path, "rb") as stream:
            try:
                for data, offset, first_line, next_line in pieces(stream):
                    for part in _parts(name, data, offset, first_line, next_line, known):
                        if isinstance(part, list):  # known cards: prepared here, at once
                            in_flight.append((_done([prepare(card) for card in part]), None))
                            continue
                        job = (prepare, *part)
                        to_parse += len(part[1])
                        executor = pool.ready() if pool and (not known or to_parse >= PARALLEL_FROM_BYTES) else None
                        in_flight.append((_submit(executor, job) if executor else _done(parse_piece(*job)), job))
                    # Keep a few pieces ahead of the planner, not the whole file, in memory.
                    while in_flight and (len(in_flight) > 2 * workers or in_flight[0][0].done()):
                        yield from _result(*in_flight.popleft())
            except PieceTooBig as big:  # one huge card: the rest is read here, streaming, in bounded memory
                while in_flight:
                    yield from _result(*in_flight.popleft())
                stream.seek(big.offset)
                for card in vcard.read_stream(stream, name, first_line=big.first_line):
                    yield prepare(card)  # its offset is the stream's own, already the file's
    except OSError as error:
        yield prepare(vcard.ParsedCard(name, 0, error=f"cannot read the file: {error.strerror or error}"))
    while in_flight:
        yield from _result(*in_flight.popleft())


def _parts(name: str, data: bytes, offset: int, first_line: int, next_line: int | None,
           known: Mapping[bytes, int]) -> Iterator[list[vcard.ParsedCard] | tuple]:
    """A piece in file order: lists of ParsedCards (`same_as` set) for runs of cards the notebook
    has by their fingerprints, and (name, bytes, offset, first line, next line, fingerprints by
    line) for each run of the rest, to parse: None for the fingerprints when the notebook knows
    none, so that the workers take them (a first import's 50,000 were 1.3 s of this process)."""
    if not known:
        yield name, data, offset, first_line, next_line, None
        return
    at, at_line = 0, first_line
    digests: dict[int, bytes] = {}  # of the cards in the run since `at`, by the line they begin on
    same: list[vcard.ParsedCard] = []
    for start, end, line, after in fingerprints.regions(data, first_line):
        person, digest = fingerprints.find(data[start:end], known)
        if person is None:
            digests[line] = digest
            continue
        if data[at:start].strip():
            if same:
                yield same
                same = []
            yield name, data[at:start], offset + at, at_line, line, digests
        same.append(vcard.ParsedCard(name, line, offset=offset + end, digest=digest, same_as=person))
        at, at_line, digests = end, after, {}
    if same:
        yield same
    if at == 0 or data[at:].strip():
        yield name, data[at:], offset + at, at_line, next_line, digests


def _done(result: list) -> Future:
    future: Future = Future()
    future.set_result(result)
    return future


def _submit(pool: ProcessPoolExecutor, job: tuple) -> Future:
    try:
        return pool.submit(parse_piece, *job)
    except BrokenProcessPool as error:
        failed: Future = Future()
        failed.set_exception(error)
        return failed


def _result(future: Future, job: tuple | None) -> list:
    """A piece's cards; when the workers could not run (no way to start a process, one killed),
    the piece is read here instead: slower, never lost."""
    try:
        return future.result()
    except BrokenProcessPool:
        assert job is not None  # a known card's result is never a worker's
        return parse_piece(*job)


class PieceTooBig(Exception):
    """A card longer than MAX_PIECE_BYTES: the rest of the file is read in this process, streaming."""

    def __init__(self, offset: int, first_line: int) -> None:
        super().__init__(offset, first_line)
        self.offset, self.first_line = offset, first_line


def pieces(stream: BinaryIO, size: int | None = None) -> Iterator[tuple[bytes, int, int, int | None]]:
    """(bytes, offset, number of the first line, number of the line after it or None at the end)
    for pieces of about `size` bytes (PIECE_BYTES), each cut just before a BEGIN:VCARD line.

    Linear in the file's size: each block is searched once, for a card start in it. Raises
    PieceTooBig where no card starts for MAX_PIECE_BYTES (one huge card): such a piece would cost
    its size several times over on its way to a worker."""
    size = size or PIECE_BYTES
    wanted = min(size, FIRST_PIECE_BYTES)  # the first piece is small, so that its cards come back at once
    buffer = bytearray()
    offset, first_line = 0, 1
    cut = 0  # where the last card start found in `buffer` begins (0: none yet)
    searched = 0  # how much of `buffer` was searched for card starts
    while True:
        block = stream.read(wanted)
        buffer += block
        if block and len(buffer) < wanted:
            continue
        wanted = size
        if block:
            found = _last_card_start(buffer, max(0, searched - len(b"\nBEGIN:VCARD")))
            cut, searched = (found if found > 0 else cut), len(buffer)
        else:
            cut = 0
        if cut > 0:
            piece = bytes(buffer[:cut])
            del buffer[:cut]
            next_line = first_line + _line_breaks(piece)
            yield piece, offset, first_line, next_line
            offset, first_line = offset + cut, next_line
            cut, searched = 0, len(buffer)
        elif len(buffer) > MAX_PIECE_BYTES:
            raise PieceTooBig(offset, first_line)
        if not block:
            if buffer:
                yield bytes(buffer), offset, first_line, None
            return


def _last_card_start(buffer: bytearray, start: int = 0) -> int:
    """Where the last line that begins BEGIN:VCARD starts in `buffer[start:]` (not at the buffer's
    very start), or 0 when there is none."""
    found = max(buffer.rfind(b"\nBEGIN:VCARD", start), buffer.rfind(b"\rBEGIN:VCARD", start))
    if found < 0:
        found = max((match.start() for match in _CARD_START.finditer(buffer, start)), default=-1)
    return found + 1


def _line_breaks(data: bytes) -> int:
    carriage_returns = data.count(b"\r")
    if carriage_returns == 0 or carriage_returns == data.count(b"\r\n"):
        return data.count(b"\n")
    return len(_LINE_BREAK.findall(data))


def parse_piece(prepare: Callable[[vcard.ParsedCard], T], name: str, data: bytes, offset: int, first_line: int,
                next_line: int | None, digests: Mapping[int, bytes] | None = None) -> list[T]:
    """The cards of one piece, prepared, as a worker process reads them; each read whole gets its
    fingerprint from `digests` (by the line it begins on), or, when None, as fingerprints.find
    takes it."""
    regions = list(fingerprints.regions(data, first_line))
    if digests is None:
        digests = {line: fingerprints.find(data[start:end], {})[1] for start, end, line, _after in regions}
    cards = []
    for card in read_piece(data, name, first_line, next_line, regions):
        card.offset += offset
        if digests and card.record is not None and not card.warnings:  # warnings are told at every import
            card.digest = digests.get(card.line, b"")
        cards.append(prepare(card))
    return cards


def read_piece(data: bytes, name: str, first_line: int = 1, next_line: int | None = None,
               regions: Iterable[tuple[int, int, int, int]] | None = None) -> Iterator[vcard.ParsedCard]:
    """The cards in `data`, as read_stream reads them (offsets from the start of `data`): each
    card that fingerprints.regions finds whole (`regions`, when the caller has them already) and
    vcard.read_plain can read is read so, and what lies between them, read_stream reads."""
    at, at_line = 0, first_line
    for start, end, line, after in fingerprints.regions(data, first_line) if regions is None else regions:
        card = vcard.read_plain(data[start:end], name, line)
        if card is None:
            continue  # read below, with what lies before the next plain card
        if data[at:start].strip():
            yield from _read_between(data, at, start, name, at_line, line)
        card.offset = end
        yield card
        at, at_line = end, after
    if at == 0:
        yield from vcard.read_stream(io.BytesIO(data), name, first_line=first_line, next_line=next_line)
    elif data[at:].strip():
        yield from _read_between(data, at, len(data), name, at_line, next_line)


def _read_between(data: bytes, start: int, end: int, name: str, first_line: int,
                  next_line: int | None) -> Iterator[vcard.ParsedCard]:
    for card in vcard.read_stream(io.BytesIO(data[start:end]), name, first_line=first_line, next_line=next_line):
        card.offset += start
        yield card
