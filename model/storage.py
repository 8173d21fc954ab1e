"""Opening a notebook file: create it, check it is ours, migrate it forward, back it up.

A notebook is one SQLite file (WAL journal, foreign keys on, a busy timeout). Its schema
version lives in PRAGMA user_version and its identity in PRAGMA application_id, so a file that
is not a Rapport notebook is refused before anything is written to it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import peewee as pw

from model import clock, migrations, schema

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


class NotebookError(Exception):
    """A notebook file that cannot be opened; the message is fit to show a user."""


class NotebookLocked(NotebookError):
    """Another Rapport has the notebook open for writing."""


@dataclass
class Notebook:
    """An open notebook file. The model modules work on whichever notebook is open."""

    path: Path
    database: pw.SqliteDatabase
    schema_version: int
    backup_path: Path | None = None  # written when opening migrated the file
    lock: BaseFileLock | None = None  # held while open for writing (`exclusive`)

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


def default_notebook_path() -> Path:
    """The user's own notebook, in the platform's user data folder."""
    import platformdirs

    return Path(platformdirs.user_data_dir("Rapport", appauthor=False)) / "notebook.rapport"


def _inspect(path: Path) -> tuple[int, int, bool]:
    """Read (application_id, user_version, has_tables) without changing the file."""
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True)
        try:
            app_id = connection.execute("PRAGMA application_id").fetchone()[0]
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            has_tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:
        raise NotebookError(f"{path} is not a Rapport notebook ({error}).") from error
    return app_id, version, has_tables


def _check_openable(path: Path, create_folder: bool) -> None:
    if path.is_dir():
        raise NotebookError(f"{path} is a folder, not a notebook file.")
    if not path.exists():
        parent = path.parent
        if not parent.exists() and not create_folder:
            raise NotebookError(f"Cannot create {path}: the folder {parent} does not exist.")
        if not parent.exists():
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise NotebookError(f"Cannot create the folder {parent}: {error.strerror}.") from error
        if not os.access(parent, os.W_OK):
            raise NotebookError(f"Cannot create a notebook in {parent}: permission denied.")
        return
    if not os.access(path, os.R_OK):
        raise NotebookError(f"Cannot read {path}: permission denied.")
    if path.stat().st_size == 0:
        return
    app_id, version, has_tables = _inspect(path)
    if app_id != migrations.APPLICATION_ID and has_tables:
        raise NotebookError(f"{path} is a SQLite database, but not a Rapport notebook.")
    if version > migrations.CURRENT_VERSION:
        raise NotebookError(
            f"{path} was written by a newer Rapport (notebook version {version}; this version "
            f"reads up to {migrations.CURRENT_VERSION}). Please update Rapport."
        )
    if not os.access(path, os.W_OK):
        raise NotebookError(f"Cannot write to {path}: permission denied.")


def write_whole(path: str | os.PathLike[str], write: Callable[[TextIO], int]) -> int:
    """Write a text file through `write(stream)` all or nothing: it goes to a ".partial" file
    beside `path` that replaces `path` only once complete, so a full disk or an error half way
    leaves any file already there untouched. Returns what `write` returns; raises its errors."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        with open(partial, "w", encoding="utf-8", newline="") as stream:
            result = write(stream)
        partial.replace(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return result


def backup(database: pw.SqliteDatabase, target: Path) -> Path:
    """Copy the open notebook to `target` through SQLite's online backup API."""
    destination = sqlite3.connect(target)
    try:
        database.connection().backup(destination)
    finally:
        destination.close()
    return target


def _migrate(database: pw.SqliteDatabase, path: Path, target: int) -> tuple[int, Path | None]:
    connection = database.connection()
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    backup_path = None
    if version >= target:
        return version, None
    if version > 0:
        stamp = clock.local_now().strftime("%Y%m%d-%H%M%S")
        backup_path = backup(database, path.with_name(f"{path.stem}.v{version}-backup-{stamp}{path.suffix}"))
        logger.info("Backed up %s before migrating it to version %d: %s", path, target, backup_path)
    with database.atomic():
        for step in range(version, target):
            migrations.MIGRATIONS[step](connection)
        connection.execute(f"PRAGMA application_id = {migrations.APPLICATION_ID}")
        connection.execute(f"PRAGMA user_version = {target}")
    return target, backup_path


def _lock(path: Path):
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
        raise NotebookError(f"Cannot lock {path}: {error.strerror or error}.") from error
    return lock


def open_notebook(path: str | os.PathLike[str], *, create_folder: bool = False,
                  target_version: int | None = None, exclusive: bool = False) -> Notebook:
    """Open the notebook at `path`, creating it or migrating it forward as needed.

    `create_folder` creates missing parent folders (for the default notebook in the user's
    data folder); a path the user typed must name an existing folder.
    `target_version` is for tests that build an old notebook; the app always opens at the
    current version. `exclusive` (the window, and imports) also takes the notebook's lock and
    raises NotebookLocked while another Rapport holds it. Raises NotebookError, with a message
    for the user, and leaves the file untouched when it cannot be opened.
    """
    path = Path(path).expanduser()
    _check_openable(path, create_folder)
    lock = _lock(path) if exclusive else None
    database = pw.SqliteDatabase(str(path), pragmas=_PRAGMAS, check_same_thread=False)
    try:
        database.connect()
        version, backup_path = _migrate(database, path, target_version or migrations.CURRENT_VERSION)
    except (sqlite3.DatabaseError, pw.DatabaseError, OSError) as error:
        database.close()
        if lock is not None:
            lock.release()
        raise NotebookError(f"Cannot open {path}: {error}.") from error
    schema.database.initialize(database)
    return Notebook(path=path, database=database, schema_version=version, backup_path=backup_path, lock=lock)
