"""Opening a notebook file: create it, check it is ours and undamaged, migrate it forward.

A notebook is one SQLite file (WAL journal, foreign keys on, a busy timeout). Its schema
version lives in PRAGMA user_version and its identity in PRAGMA application_id, so a file that
is not a Rapport notebook is refused before anything is written to it. Opening checks the file
(PRAGMA quick_check) unless told not to (the window checks in the background instead); a damaged
file is refused, never written to. A notebook that cannot be written (a read-only file, folder or
disk) opens read-only where the caller allows it (`read_only`). Backups are model/backups.py's;
what every failure is called, model/faults.py's.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import peewee as pw

from model import backups, migrations, schema
from model.faults import (  # noqa: F401  (the names callers have always imported from here)
    FAULTS,
    Damaged,
    DiskFull,
    NotebookError,
    NotebookLocked,
    PermissionDenied,
    ReadOnly,
    TooNew,
    disk_is_full,
    explain,
    read_only_place,
)

if TYPE_CHECKING:
    from filelock import BaseFileLock

logger = logging.getLogger(__name__)

_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
    "cache_size": -32000,  # 32 MB
}
_READ_ONLY_PRAGMAS = {"foreign_keys": 1, "busy_timeout": 5000, "cache_size": -32000, "query_only": 1}


class NotebookDatabase(pw.SqliteDatabase):
    """Peewee's SQLite database, except that a rollback after SQLite has already rolled the
    transaction back itself (it does on a full disk and on I/O errors) is a no-op: peewee's
    "cannot rollback - no transaction is active" used to hide the real error."""

    def rollback(self):
        if not self.is_closed() and not self.connection().in_transaction:
            return None
        return super().rollback()

    def execute_sql(self, sql, params=None, *args, **kwargs):
        if (sql.startswith("ROLLBACK TO SAVEPOINT") and not self.is_closed()
                and not self.connection().in_transaction):
            return None
        return super().execute_sql(sql, params, *args, **kwargs)


@dataclass
class Notebook:
    """An open notebook file. The model modules work on whichever notebook is open."""

    path: Path
    database: pw.SqliteDatabase
    schema_version: int
    backup_path: Path | None = None  # written when opening migrated the file
    lock: BaseFileLock | None = None  # held while open for writing (`exclusive`)
    read_only: bool = False

    def close(self) -> None:
        if not self.database.is_closed():
            self.database.close()
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def stats(self) -> dict[str, int]:
        """How much the notebook holds: the keys of `--stats --json`."""
        def count(table: str) -> int:
            return self.database.execute_sql(f'SELECT count(*) FROM "{table}"').fetchone()[0]

        return {
            "contacts": count("contact"),
            "interactions": count("interaction"),
            "meetings": count("meeting"),
            "schema_version": self.schema_version,
        }

    def transaction(self):
        """A transaction for a multi-row change: everything in it lands, or nothing does."""
        return self.database.atomic()

    def check(self, thorough: bool = False) -> str:
        """"ok", or what is damaged (quick_check, or integrity_check when `thorough`)."""
        pragma = "integrity_check(20)" if thorough else "quick_check(20)"
        try:
            problems = [row[0] for row in self.database.execute_sql(f"PRAGMA {pragma}").fetchall()]
        except (sqlite3.DatabaseError, pw.DatabaseError) as error:
            return str(error)
        # SQLite's findings may span lines ("*** in database main ***\nPage 124: ..."): one line.
        return "ok" if problems == ["ok"] else "; ".join(" ".join(problem.split()) for problem in problems)


def default_notebook_path() -> Path:
    """The user's own notebook, in the platform's user data folder."""
    import platformdirs

    return Path(platformdirs.user_data_dir("Rapport", appauthor=False)) / "notebook.rapport"


def _inspect(path: Path) -> tuple[int, int, bool]:
    """Read (application_id, user_version, has_tables) without changing the file."""
    try:
        connection = backups.open_read_only(path)
        try:
            app_id = connection.execute("PRAGMA application_id").fetchone()[0]
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            has_tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        finally:
            connection.close()
    except sqlite3.Error as error:
        if getattr(error, "sqlite_errorname", "") == "SQLITE_NOTADB":
            raise NotebookError(f"{path} is not a Rapport notebook ({error}).") from error
        raise explain(error, path, "open") from error
    return app_id, version, has_tables


@contextlib.contextmanager
def rollback_journal(database: pw.Database) -> Iterator[bool]:
    """SQLite's rollback journal instead of the WAL for the one big write that fills a notebook
    holding nobody yet (the command line's first import of a phone's export), where no other
    connection has it open; yields whether it could switch (with another connection open it
    cannot, and the write goes through the WAL as always).

    Neither journal copies a page the write adds to the file, but the WAL is written instead of
    the notebook and copied into it at the checkpoint after the commit: a first import of 50,000
    cards (214 MB) wrote 95,000 WAL frames and then the notebook's 52,000 pages again, a commit
    of 0.67-0.82 s that is 0.17-0.18 s so (1.4 -> 0.8 s of system time in all). `synchronous`
    is FULL meanwhile, which rollback journals need to survive a power cut; a crash leaves a hot
    journal, which SQLite rolls back when the notebook is next opened, as it was before. Back to
    the WAL when done (and every connection asks for it when it opens)."""
    database.execute_sql("PRAGMA busy_timeout = 0")  # another connection in the way: say so at once
    try:
        switched = database.execute_sql("PRAGMA journal_mode = DELETE").fetchone()[0].lower() == "delete"
    except (sqlite3.OperationalError, pw.OperationalError):  # "database is locked"
        switched = False
    finally:
        database.execute_sql(f"PRAGMA busy_timeout = {_PRAGMAS['busy_timeout']}")
    if not switched:
        yield False
        return
    database.execute_sql("PRAGMA synchronous = FULL")
    try:
        yield True
    finally:
        try:
            database.execute_sql(f"PRAGMA journal_mode = {_PRAGMAS['journal_mode']}")
            database.execute_sql(f"PRAGMA synchronous = {_PRAGMAS['synchronous']}")
        except (sqlite3.DatabaseError, pw.DatabaseError) as error:  # the next connection asks again
            logger.warning("Could not put %s back to its WAL journal: %s", database.database, error)


def writable(path: Path) -> bool:
    """Whether Rapport can write the notebook at `path`: the file, its folder (SQLite keeps its
    journal beside it) and the disk."""
    folder = path.parent
    if read_only_place(path):
        return False
    return os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def _check_openable(path: Path, create_folder: bool, read_only: bool) -> None:
    try:
        _check_place(path, create_folder, read_only)
    except OSError as error:  # a folder on the way that we may not enter, say
        raise explain(error, path, "open") from error


def _check_place(path: Path, create_folder: bool, read_only: bool) -> None:
    if path.is_dir():
        raise NotebookError(f"{path} is a folder, not a notebook file.")
    if not path.exists():
        if read_only:
            raise NotebookError(f"There is no notebook at {path}.")
        parent = path.parent
        if not parent.exists() and not create_folder:
            raise NotebookError(f"Cannot create {path}: the folder {parent} does not exist.")
        if not parent.exists():
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise explain(error, parent, "create the folder") from error
        if not writable(path):
            raise _unwritable(path, "create")
        return
    if not os.access(path, os.R_OK):
        raise PermissionDenied(f"Cannot read {path}: permission denied.")
    if path.stat().st_size == 0:
        if not writable(path):
            raise _unwritable(path, "create")
        return
    app_id, version, has_tables = _inspect(path)
    if app_id != migrations.APPLICATION_ID and has_tables:
        raise NotebookError(f"{path} is a SQLite database, but not a Rapport notebook.")
    if version > migrations.CURRENT_VERSION:
        raise TooNew(
            f"{path} was written by a newer Rapport (notebook version {version}; this version "
            f"reads up to {migrations.CURRENT_VERSION}). Please update Rapport."
        )
    if not read_only and not writable(path):
        raise _unwritable(path, "write to")


def _unwritable(path: Path, doing: str) -> NotebookError:
    """Why Rapport cannot write the notebook at `path`: a read-only disk, or a file or folder that
    is read-only (or a folder we may not write in, for a notebook not made yet)."""
    if read_only_place(path):
        return ReadOnly(f"Cannot {doing} {path}: it is on a read-only disk.")
    if not path.exists():
        return PermissionDenied(f"Cannot {doing} {path}: permission denied in {path.parent}.")
    return ReadOnly(f"Cannot {doing} {path}: the file or its folder is read-only.")


def write_whole(path: str | os.PathLike[str], write: Callable[[TextIO], int]) -> int:
    """Write a text file through `write(stream)` all or nothing: it goes to a ".partial" file
    beside `path`, flushed to the disk, that replaces `path` only once complete, so a full disk or
    an error half way leaves any file already there untouched. Returns what `write` returns;
    raises its errors."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        # A buffer of 1 MB: 50,000 cards written through the default 8 KB one took 0.32 s, 0.13 s so.
        with open(partial, "w", encoding="utf-8", newline="", buffering=1 << 20) as stream:
            result = write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return result


def write_whole_binary(path: str | os.PathLike[str], write: Callable[[Path], None],
                       verify: Callable[[Path], bool] = lambda _: True) -> None:
    """As write_whole, for a file another library writes by name (a PDF from Qt): `write(partial)`
    writes it, `verify(partial)` says whether it is complete, and only then does it replace `path`."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        write(partial)
        if not partial.exists() or not verify(partial):
            if disk_is_full(path):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
            raise OSError(errno.EIO, "the file was not written whole", str(path))
        with open(partial, "rb") as stream:
            os.fsync(stream.fileno())
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _migrate(database: pw.SqliteDatabase, path: Path, target: int) -> tuple[int, Path | None]:
    connection = database.connection()
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    backup_path = None
    if version >= target:
        return version, None
    if version > 0:
        backups.remove_partials(path)
        backup_path = backups.write_backup(connection, path, version)
        logger.info("Backed up %s before migrating it to version %d: %s", path, target, backup_path)
    with database.atomic():
        for step in range(version, target):
            migrations.MIGRATIONS[step](connection)
        connection.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
        connection.execute(f"PRAGMA user_version = {target}")
    return target, backup_path


def _lock(path: Path) -> BaseFileLock:
    """Hold `path`'s lock file (beside it), so a second Rapport cannot write the same notebook.
    The operating system drops the lock when the process ends, so a crash leaves none behind."""
    from filelock import FileLock, Timeout

    lock = FileLock(f"{path}.lock", blocking=False)
    try:
        lock.acquire()
    except Timeout as error:
        raise NotebookLocked(f"{path} is open in another Rapport. A notebook is written by one Rapport at a "
                             "time; close the other one, or use that window.") from error
    except OSError as error:
        raise explain(error, path, "lock") from error
    return lock


def _connect_read_only(path: Path) -> pw.SqliteDatabase:
    """A connection that never writes (backups.read_only_uri says how to open the file)."""
    database = NotebookDatabase(backups.read_only_uri(path), uri=True, pragmas=_READ_ONLY_PRAGMAS,
                                check_same_thread=False)
    database.connect()
    return database


def open_notebook(path: str | os.PathLike[str], *, create_folder: bool = False,
                  target_version: int | None = None, exclusive: bool = False, read_only: bool = False,
                  check: bool = True) -> Notebook:
    """Open the notebook at `path`, creating it or migrating it forward as needed.

    `create_folder` creates missing parent folders (for the default notebook in the user's
    data folder); a path the user typed must name an existing folder.
    `target_version` is for tests that build an old notebook; the app always opens at the
    current version. `exclusive` (the window, and imports) also takes the notebook's lock and
    raises NotebookLocked while another Rapport holds it. `read_only` opens it without ever
    writing (nothing is created or migrated; an older notebook is refused). `check` runs PRAGMA
    quick_check first and refuses a damaged file (Damaged); a file about to be migrated is
    always checked.

    Raises NotebookError (one of model/faults.py's kinds), with a message for the user, and
    leaves the file untouched when it cannot be opened.
    """
    path = Path(path).expanduser()
    _check_openable(path, create_folder, read_only)
    if read_only:
        return _open_read_only(path, check)
    lock = _lock(path) if exclusive else None
    database = NotebookDatabase(str(path), pragmas=_PRAGMAS, check_same_thread=False)
    try:
        database.connect()
        notebook = Notebook(path=path, database=database, schema_version=0, lock=lock)
        migrating = 0 < database.execute_sql("PRAGMA user_version").fetchone()[0] < (
            target_version or migrations.CURRENT_VERSION)
        if (check or migrating) and path.stat().st_size > 0:  # a damaged file is never migrated
            verdict = notebook.check()
            if verdict != "ok":
                raise Damaged(f"{path} is damaged ({verdict}).")
        version, backup_path = _migrate(database, path, target_version or migrations.CURRENT_VERSION)
    except BaseException as error:
        database.close()
        if lock is not None:
            lock.release()
        if isinstance(error, FAULTS):
            raise explain(error, path, "open") from error
        raise
    schema.database.initialize(database)
    notebook.schema_version, notebook.backup_path = version, backup_path
    return notebook


def _open_read_only(path: Path, check: bool) -> Notebook:
    database = _connect_read_only(path)
    try:
        version = database.execute_sql("PRAGMA user_version").fetchone()[0]
        notebook = Notebook(path=path, database=database, schema_version=version, read_only=True)
        if version < migrations.CURRENT_VERSION:
            raise ReadOnly(f"{path} was written by an older Rapport and must be brought up to date before it can "
                           "be read, which needs write access to it and its folder.")
        if check:
            verdict = notebook.check()
            if verdict != "ok":
                raise Damaged(f"{path} is damaged ({verdict}).")
    except BaseException as error:
        database.close()
        if isinstance(error, FAULTS):
            raise explain(error, path, "open") from error
        raise
    schema.database.initialize(database)
    return notebook


def current_path() -> Path | None:
    """The file of the notebook that is open (for messages about it), or None."""
    database = schema.database.obj
    if database is None:
        return None
    name = str(database.database)
    if name.startswith("file:"):  # a read-only notebook is opened by its URI
        from urllib.parse import unquote, urlparse

        return Path(unquote(urlparse(name).path))
    return Path(name)
