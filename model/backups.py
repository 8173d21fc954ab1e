"""Backups of a notebook, and what to do with a damaged one.

- A backup is written beside the notebook as NAME.vN-backup-STAMP.rapport through SQLite's
  online backup API, first under a ".partial" name; it takes its real name only once it has
  been checked (quick_check, and the schema version it should have). A backup that fails, or a
  process killed while writing it, leaves no file that looks like a good backup.
- Only the newest KEEP backups of a notebook are kept.
- A damaged notebook is never written to. `latest_good_backup` finds the newest backup that
  passes its check; `salvage` copies every row that can still be read into a new notebook;
  `replace_damaged` moves the damaged file aside (NAME.damaged-STAMP.rapport) and puts the
  good copy in its place.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from pathlib import Path

from model import clock, migrations

logger = logging.getLogger(__name__)

KEEP = 5
_BATCH = 500


def _stamp() -> str:
    return clock.local_now().strftime("%Y%m%d-%H%M%S")


def backups_of(path: Path) -> list[Path]:
    """The finished backups of the notebook at `path`, newest first."""
    found = [candidate for candidate in path.parent.glob(f"{path.stem}.v*-backup-*{path.suffix}")
             if not candidate.name.endswith(".partial")]
    return sorted(found, key=lambda candidate: (candidate.stat().st_mtime, candidate.name), reverse=True)


def read_only_uri(path: Path) -> str:
    """The URI that opens the SQLite file at `path` without ever writing to it. On a read-only disk
    SQLite cannot keep the WAL's shared-memory index beside the file: it is then opened immutable."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    connection = sqlite3.connect(uri, uri=True)
    try:
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:  # cannot open (no -shm on a read-only disk)
        return uri + "&immutable=1"
    except sqlite3.DatabaseError:
        pass  # damaged: the caller meets it, and says so
    finally:
        connection.close()
    return uri


def open_read_only(path: Path) -> sqlite3.Connection:
    """A connection to the SQLite file at `path` that never writes."""
    return sqlite3.connect(read_only_uri(path), uri=True)


def check(path: Path, version: int | None = None, thorough: bool = False) -> str:
    """"ok", or what is wrong with the SQLite file at `path` (read without writing to it):
    PRAGMA quick_check, or integrity_check (indexes against their tables too) when `thorough`."""
    try:
        connection = open_read_only(path)
        try:
            pragma = "integrity_check(5)" if thorough else "quick_check(5)"
            problems = [row[0] for row in connection.execute(f"PRAGMA {pragma}")]
            found = connection.execute("PRAGMA user_version").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as error:
        return str(error)
    if problems != ["ok"]:
        return "; ".join(problems)
    if version is not None and found != version:
        return f"schema version {found}, not {version}"
    return "ok"


def write_backup(connection: sqlite3.Connection, path: Path, version: int) -> Path:
    """Back up the open notebook at `path` (schema `version`) beside it; returns the backup's path.
    Raises OSError or sqlite3.Error, leaving nothing behind, when it cannot be written whole."""
    target = path.with_name(f"{path.stem}.v{version}-backup-{_stamp()}{path.suffix}")
    partial = target.with_name(target.name + ".partial")
    try:
        destination = sqlite3.connect(partial)
        try:
            connection.backup(destination)
        finally:
            destination.close()
        verdict = check(partial, version)
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"the backup does not read back ({verdict})")
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    _rotate(path)
    return target


def _rotate(path: Path) -> None:
    for old in backups_of(path)[KEEP:]:
        try:
            old.unlink()
        except OSError as error:
            logger.warning("Cannot remove the old backup %s: %s", old, error)


def remove_partials(path: Path) -> None:
    """Backups a killed process left half written."""
    for partial in path.parent.glob(f"{path.stem}.v*-backup-*{path.suffix}.partial"):
        partial.unlink(missing_ok=True)


def latest_good_backup(path: Path) -> Path | None:
    for candidate in backups_of(path):
        if check(candidate) == "ok":
            return candidate
    return None


def salvage(damaged: Path, out: Path) -> dict[str, int]:
    """Copy every row of `damaged` that can still be read into a new notebook at `out`, in the
    damaged file's schema version (migrated forward when the new notebook is next opened).
    Returns how many rows of each table came across. `damaged` is only read."""
    from model import storage

    source = open_read_only(damaged)
    try:
        try:
            version = source.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError:
            version = migrations.CURRENT_VERSION
        version = min(max(version, 1), migrations.CURRENT_VERSION)
        fresh = storage.open_notebook(out, target_version=version, check=False)
        fresh.close()
        target = sqlite3.connect(out)
        try:
            target.execute("PRAGMA foreign_keys = OFF")
            copied = {table: _copy_table(source, target, table) for table in _tables(target)}
            # Rows whose parent was lost (a phone of a person whose row was unreadable) go too.
            for table, rowid, _parent, _index in target.execute("PRAGMA foreign_key_check").fetchall():
                target.execute(f'DELETE FROM "{table}" WHERE rowid = ?', (rowid,))
                copied[table] -= 1
            target.commit()
        finally:
            target.close()
    finally:
        source.close()
    notebook = storage.open_notebook(out, check=False)  # migrates forward
    try:
        from model import search

        search.rebuild()  # the full-text index is rebuilt, never copied
    finally:
        notebook.close()
    return copied


def _tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    virtual = {name for name, sql in rows if sql and sql.upper().startswith("CREATE VIRTUAL")}
    shadow = {name for name, _ in rows if any(name.startswith(f"{v}_") for v in virtual)}
    return [name for name, _ in rows if not name.startswith("sqlite_") and name not in virtual | shadow]


def _copy_table(source: sqlite3.Connection, target: sqlite3.Connection, table: str) -> int:
    """Rows of `table` in rowid order, batch by batch; an unreadable stretch is stepped over."""
    try:
        columns = [row[1] for row in target.execute(f'PRAGMA table_info("{table}")')]
        source_columns = {row[1] for row in source.execute(f'PRAGMA table_info("{table}")')}
    except sqlite3.DatabaseError:
        return 0
    shared = [column for column in columns if column in source_columns]
    if not shared:
        return 0
    names = ", ".join(f'"{column}"' for column in shared)
    # The rowid goes across too, unless "id" (its alias in every table that has one) already carries it.
    keep_rowid = "id" not in shared
    insert = (f'INSERT OR IGNORE INTO "{table}" ({"rowid, " if keep_rowid else ""}{names}) '
              f'VALUES ({", ".join("?" * (len(shared) + keep_rowid))})')
    try:
        highest = source.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0] or 0
    except sqlite3.DatabaseError:
        highest = 1 << 24
    copied, after, step, pending = 0, -(1 << 62), 1, []
    while after < highest:
        try:
            cursor = source.execute(f'SELECT rowid, {names} FROM "{table}" WHERE rowid > ? ORDER BY rowid', (after,))
            for row in cursor:  # one by one: the rows read before a damaged page are kept
                pending.append(row if keep_rowid else row[1:])
                after, step = row[0], 1
                if len(pending) >= _BATCH:
                    target.executemany(insert, pending)
                    copied, pending = copied + len(pending), []
            break
        except sqlite3.DatabaseError:
            after, step = max(after, 0) + step, step * 2  # step over the damage, further each time
    target.executemany(insert, pending)
    return copied + len(pending)


def replace_damaged(damaged: Path, good: Path) -> Path:
    """Move the damaged notebook aside and put the good copy (a backup or a salvage) in its place.
    Returns where the damaged file now is; it is kept, never changed."""
    aside = damaged.with_name(f"{damaged.stem}.damaged-{_stamp()}{damaged.suffix}")
    os.replace(damaged, aside)
    for extra in ("-wal", "-shm", "-journal"):  # a hot journal goes with the file it can mend
        companion = damaged.with_name(damaged.name + extra)
        if companion.exists():
            os.replace(companion, aside.with_name(aside.name + extra))
    if good.parent == damaged.parent and good.name.endswith(".salvage" + damaged.suffix):
        os.replace(good, damaged)
    else:
        partial = damaged.with_name(damaged.name + ".partial")
        shutil.copyfile(good, partial)
        os.replace(partial, damaged)
    return aside
