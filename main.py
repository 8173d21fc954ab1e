"""Rapport: a contact notebook for taking relationships offline.

    python main.py [FILE ...] [--db PATH] [--demo] [--screenshot OUT.png] [--version]
    python main.py --stats [--json]
    python main.py --import FILE ... [--json]
    python main.py --export-vcard OUT.vcf [--vcard-version 4.0]
    python main.py --agenda FROM TO [--json]

With no flags it opens the window on the user's notebook. The README documents every flag;
scripts rely on their names, JSON keys and exit codes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

__version__ = "0.1.0"

EXIT_OK, EXIT_ERROR, EXIT_PARTIAL = 0, 1, 2


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="rapport", description="A contact notebook for taking relationships offline.")
    parser.add_argument("files", nargs="*", metavar="FILE", help=".vcf, .ics or history export files to import")
    parser.add_argument("--db", metavar="PATH", help="open this notebook (created if missing); "
                        "the RAPPORT_DB environment variable does the same")
    parser.add_argument("--demo", action="store_true", help="open a fresh copy of the sample notebook")
    parser.add_argument("--screenshot", metavar="OUT.png", help="save a picture of the window and exit")
    parser.add_argument("--stats", action="store_true", help="print what the notebook holds and exit")
    parser.add_argument("--import", dest="import_files", nargs="+", metavar="FILE",
                        help="import vCards, calendars and history exports (WhatsApp, SMS backups, mbox, Messenger,"
                             " Instagram, Telegram, X, LinkedIn, contacts CSV; folders and zips too) without a window")
    parser.add_argument("--export-vcard", metavar="OUT.vcf", help="write every contact to a .vcf file and exit")
    parser.add_argument("--vcard-version", default="3.0", choices=["3.0", "4.0"],
                        help="the vCard version --export-vcard writes (default 3.0)")
    parser.add_argument("--export-ics", metavar="OUT.ics", help="write every meeting to an .ics file and exit")
    parser.add_argument("--agenda", nargs=2, metavar=("FROM", "TO"),
                        help="list the meetings and occurrences from FROM to TO (ISO dates, inclusive) and exit")
    parser.add_argument("--call-sheet", metavar="WHO",
                        help="a contact's name (a unique match) or meeting:ID; with --pdf, write its call sheet")
    parser.add_argument("--pdf", metavar="OUT.pdf", help="where --call-sheet writes the PDF")
    parser.add_argument("--salvage", metavar="OUT.rapport",
                        help="copy what can still be read of a damaged notebook into a new one, and exit")
    parser.add_argument("--sync-add", metavar="URL", help="add a CardDAV/CalDAV account (with --user; the password"
                        " from RAPPORT_PASSWORD, or asked on a terminal) and exit")
    parser.add_argument("--user", metavar="NAME", help="the account's user name, for --sync-add")
    parser.add_argument("--allow-http", action="store_true",
                        help="with --sync-add: accept a server on plain http:// (the password travels unencrypted)")
    parser.add_argument("--trust-host", metavar="HOST", action="append", default=[],
                        help="with --sync-add: let the server send Rapport (and the password) to HOST as well")
    parser.add_argument("--sync", action="store_true", help="sync every account and exit")
    parser.add_argument("--sync-trust", nargs=2, metavar=("ID", "HOST"),
                        help="let account ID's server send Rapport (and the password) to HOST, and exit")
    parser.add_argument("--sync-remove", metavar="ID", type=int, help="forget a sync account and exit")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON (with --stats, --import)")
    parser.add_argument("--version", action="version", version=f"Rapport {__version__}")
    return parser.parse_args(argv)


def notebook_path(arguments: argparse.Namespace) -> Path:
    """The notebook to open: --demo's fresh copy, --db, $RAPPORT_DB, or the user's own."""
    if arguments.demo:
        import atexit
        import shutil
        import tempfile

        folder = tempfile.mkdtemp(prefix="rapport-demo-")
        atexit.register(shutil.rmtree, folder, True)  # a copy for this run only
        return Path(folder) / "sample.rapport"
    if arguments.db:
        return Path(arguments.db)
    if os.environ.get("RAPPORT_DB"):
        return Path(os.environ["RAPPORT_DB"])
    from model.storage import default_notebook_path

    return default_notebook_path()


def open_notebook(arguments: argparse.Namespace, path: Path | None = None, exclusive: bool = False,
                  reading: bool = False, check: bool = True):
    """Open the notebook the arguments name; `exclusive` (the window, imports) takes its lock.
    A command that only `reading`s opens a notebook it cannot write read-only instead of failing."""
    from model import storage

    path = path or notebook_path(arguments)
    if arguments.demo:
        from model import sample

        return sample.build_sample_notebook(path)
    try:
        return storage.open_notebook(path, create_folder=path == storage.default_notebook_path(),
                                     exclusive=exclusive, check=check)
    except storage.ReadOnly:
        if not reading:
            raise
        return storage.open_notebook(path, read_only=True, check=check)


class WindowOpener:
    """The window's notebook, opened before Qt is even imported: the Today page's history lists
    (about 0.1 s of queries at 1,000,000 exchanges) then run on a worker while PySide6 loads and
    the window is built. What stops it opening (locked by another Rapport, damaged) is raised
    when the window asks for it, where a dialog can say so; a second ask (after a repair) opens
    it again. The window checks the notebook for damage in the background, after the first paint."""

    def __init__(self, arguments: argparse.Namespace, path: Path) -> None:
        self.arguments = arguments
        self.early: object = None
        try:
            self.early = open_notebook(arguments, path, exclusive=True, check=False)
        except Exception as error:  # noqa: BLE001 - raised again by open(), where the window handles it
            self.early = error
        else:
            import threading

            from model import history, places

            history.start_today_lists()
            # tzlocal's first answer reads the system's zone files (10-20 ms where /etc/localtime
            # is a copy, not a link); it keeps it, and Today's meetings ask for it before the first paint.
            threading.Thread(target=places.computer_zone, name="zone", daemon=True).start()

    def open(self, path: Path):
        early, self.early = self.early, None
        if isinstance(early, Exception):
            raise early
        return early if early is not None else open_notebook(self.arguments, path, exclusive=True, check=False)


def setup_logging() -> Path | None:
    """Warnings and errors go to rapport.log in the user's log folder; returns its path."""
    import logging

    import platformdirs

    folder = Path(platformdirs.user_log_dir("Rapport", appauthor=False))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(folder / "rapport.log", encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)
    return folder / "rapport.log"


def print_stats(notebook, as_json: bool) -> None:
    stats = notebook.stats()
    if as_json:
        print(json.dumps(stats))
    else:
        for key, value in stats.items():
            print(f"{key.replace('_', ' ')}: {value}")


def import_files(paths: list[str], as_json: bool) -> int:
    """`--import`: vCards through the safe default plan, calendars event by event; print what happened."""
    from model.file_kinds import sort_paths

    cards, calendars, exports = sort_paths(paths)
    codes = []
    if cards or not (calendars or exports):
        codes.append(import_vcards(cards, as_json))
    if calendars:
        codes.append(import_calendars(calendars, as_json))
    if exports:
        codes.append(import_history(exports, as_json))
    return max(codes)


def import_history(paths: list[str], as_json: bool) -> int:
    """Exports of chats, messages, calls and connections: the people in them matched or added,
    their exchanges gathered by day, only what the notebook does not have yet written."""
    from model import exchange_import

    plan, applied = exchange_import.import_paths(paths)
    summary = plan.summary()
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(f"{summary['files']} export(s): {summary['exchanges_new']} new exchange(s), "
              f"{summary['exchanges_unchanged']} already in the notebook; {summary['people_matched']} "
              f"people matched, {summary['people_new']} new, {summary['people_left_out']} left out, "
              f"{len(summary['rejected'])} rejected")
        for line in exchange_import.iter_summaries(plan):
            print(line)
        for question in summary["questions"]:
            print(f"  {question['file']}: {question['question']}", file=sys.stderr)
        for rejected in summary["rejected"]:
            print(f"  {rejected['file']}, line {rejected['line']}: {rejected['reason']}", file=sys.stderr)
    del applied  # the command line does not undo
    if summary["rejected"] and not (summary["exchanges_new"] or summary["exchanges_unchanged"] or plan.rows):
        return EXIT_ERROR  # nothing could be read
    return EXIT_PARTIAL if summary["rejected"] else EXIT_OK


def import_calendars(paths: list[str], as_json: bool) -> int:
    from model import ical

    plan = ical.import_files(paths)
    summary = plan.summary()
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(f"{summary['files']} calendar file(s), {summary['events']} event(s): {summary['new']} new, "
              f"{summary['updated']} updated, {summary['unchanged']} unchanged, {len(summary['rejected'])} rejected")
        for rejected in summary["rejected"]:
            print(f"  {rejected['file']}, line {rejected['line']}: {rejected['reason']}", file=sys.stderr)
    if summary["events"] == len(summary["rejected"]):
        return EXIT_ERROR
    return EXIT_PARTIAL if summary["rejected"] else EXIT_OK


def agenda(first: str, last: str, as_json: bool) -> int:
    """`--agenda FROM TO`: the meetings and occurrences on those days (in the user's zone, clock.local_zone),
    as a JSON list with exactly the keys uid, recurrence_id, title, start, end, all_day, zone and
    status (--json), or a line each."""
    import datetime as dt

    from model import meetings

    try:
        first_day, last_day = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    except ValueError as error:
        print(f"rapport: --agenda takes two ISO dates (2026-12-01 2026-12-31): {error}", file=sys.stderr)
        return EXIT_ERROR
    if last_day < first_day:
        print("rapport: --agenda: the second date is before the first", file=sys.stderr)
        return EXIT_ERROR
    entries = [meetings.agenda_entry(occurrence) for occurrence in meetings.on_days(first_day, last_day)]
    if as_json:
        print(json.dumps(entries, ensure_ascii=False, indent=1))
    else:
        for entry in entries:
            print(f"{entry['start']}  {entry['title']}" + (f"  ({entry['status']})" if entry["status"] != "planned"
                                                          else ""))
    return EXIT_OK


def export_ics(out: str) -> int:
    """`--export-ics`: every meeting, with stable UIDs, to one calendar file."""
    from model import ical, meetings

    try:
        count = ical.export_file(meetings.all_meetings(), out)
    except OSError as error:
        from model.faults import explain

        print(f"rapport: {explain(error, out, 'write')}", file=sys.stderr)
        return EXIT_ERROR
    except ical.IcsError as error:
        print(f"rapport: cannot write {out}: {error}", file=sys.stderr)
        return EXIT_ERROR
    print(f"{count} meeting(s) written to {out}", file=sys.stderr)
    return EXIT_OK


def import_vcards(paths: list[str], as_json: bool) -> int:
    from model import importer

    plan, _result = importer.import_files(paths)
    summary = plan.summary()
    if as_json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(f"{summary['files']} file(s), {summary['cards']} card(s): {summary['new']} new, "
              f"{summary['updated']} updated, {summary['unchanged']} unchanged, "
              f"{summary['possible_duplicates']} possible duplicate(s) kept separate, "
              f"{len(summary['rejected'])} rejected")
        for item in plan.items:
            if item.outcome == importer.DUPLICATE:
                print(f"  possible duplicate: {item.name} ({item.file}, line {item.line})")
        for rejected in summary["rejected"]:
            print(f"  {rejected['file']}, line {rejected['line']}: {rejected['reason']}", file=sys.stderr)
    if summary["cards"] == len(summary["rejected"]):
        return EXIT_ERROR
    return EXIT_PARTIAL if summary["rejected"] else EXIT_OK


def export_vcard(out: str, version: str) -> int:
    """`--export-vcard`: every contact, by name, to one file."""
    from model import parallel_write

    try:
        count = parallel_write.export_vcards(out, version)
    except OSError as error:
        from model.faults import explain

        print(f"rapport: {explain(error, out, 'write')}", file=sys.stderr)
        return EXIT_ERROR
    print(f"{count} contact(s) written to {out}", file=sys.stderr)
    return EXIT_OK


def call_sheet(who: str, out: str | None) -> int:
    """`--call-sheet WHO --pdf OUT`: exit 2 (with the candidates) unless WHO names one contact or meeting."""
    from model import callsheet

    if not out:
        print("rapport: --call-sheet needs --pdf OUT.pdf", file=sys.stderr)
        return EXIT_PARTIAL
    kind, item_id, candidates = callsheet.find(who)
    if item_id is None:
        if candidates:
            print(f"rapport: {who!r} matches {len(candidates)} people; name one of them:", file=sys.stderr)
            for _, name in candidates:
                print(f"  {name}", file=sys.stderr)
        else:
            print(f"rapport: no {kind} matches {who!r}", file=sys.stderr)
        return EXIT_PARTIAL
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0], "-platform", "offscreen"])
    from gui.callsheet import PrintError, makers_for, write_pdf

    try:
        pages = write_pdf(makers_for(kind, item_id), out)
    except PrintError as error:
        print(f"rapport: {error}", file=sys.stderr)
        return EXIT_ERROR
    print(f"Call sheet written to {out} ({pages} page{'s' if pages != 1 else ''})", file=sys.stderr)
    return EXIT_OK


def _password(prompt: str) -> str:
    """RAPPORT_PASSWORD, or asked on a terminal (never an argument: it would be in the process list)."""
    from model import sync

    if os.environ.get(sync.PASSWORD_VARIABLE):
        return os.environ[sync.PASSWORD_VARIABLE]
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt)
    return ""


def sync_add(url: str, user: str | None, allow_http: bool, as_json: bool, trusted: list[str]) -> int:
    """`--sync-add URL --user NAME`: find the address book and calendar, remember the account."""
    from model import dav, sync

    if not user:
        print("rapport: --sync-add needs --user NAME", file=sys.stderr)
        return EXIT_ERROR
    password = _password(f"Password for {user}: ")
    if not password:
        print(f"rapport: no password: set {sync.PASSWORD_VARIABLE} or run on a terminal", file=sys.stderr)
        return EXIT_ERROR
    try:
        account = sync.add_account(url, user, password, allow_http=allow_http, trusted=trusted)
    except dav.OtherHost as error:
        print(f"rapport: {error}: add --trust-host {error.host} to allow it", file=sys.stderr)
        return EXIT_ERROR
    except (sync.SyncError, dav.DavError) as error:
        print(f"rapport: {error}", file=sys.stderr)
        return EXIT_ERROR
    if not sync.remember_password(account, password):
        print(f"rapport: this system has no keyring: the password was not kept; set {sync.PASSWORD_VARIABLE}"
              " for each sync", file=sys.stderr)
    if as_json:
        print(json.dumps({"account": account.id, "address_book": account.address_book, "calendar": account.calendar}))
    else:
        print(f"Account {account.id}: people in {account.address_book}, meetings in {account.calendar}")
    return EXIT_OK


def sync_trust(account_id: str, host: str) -> int:
    """`--sync-trust ID HOST`: the user agrees that account ID's server sends Rapport to HOST."""
    from model import sync

    if not account_id.isdigit() or not sync.trust_host(int(account_id), host):
        print(f"rapport: no sync account {account_id}", file=sys.stderr)
        return EXIT_ERROR
    print(f"Account {account_id} may now be sent to {host}")
    return EXIT_OK


def sync_now(as_json: bool) -> int:
    """`--sync`: every account, both ways. Exit 0, 2 when some resources failed, 1 when a server
    could not be reached."""
    from model import sync

    if not sync.accounts():
        print("rapport: no sync accounts (add one with --sync-add URL --user NAME)", file=sys.stderr)
        return EXIT_ERROR
    report = sync.sync_all()
    for account_id, host in report.other_hosts:
        print(f"rapport: account {account_id}'s server sends Rapport to {host}; to allow it:"
              f" rapport --sync-trust {account_id} {host}", file=sys.stderr)
    if as_json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        print(f"Synced: {report.pulled} in, {report.pushed} out, {report.deleted_here} deleted here,"
              f" {report.deleted_there} deleted there, {report.conflicts} conflict(s)")
        for error in report.errors:
            print(f"  {error}", file=sys.stderr)
    return report.exit_code


def sync_remove(account_id: int) -> int:
    from model import sync

    if not sync.remove_account(account_id):
        print(f"rapport: no sync account {account_id}", file=sys.stderr)
        return EXIT_ERROR
    print(f"Account {account_id} removed (its people and meetings stay)", file=sys.stderr)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    log_path = setup_logging()
    from model.faults import FAULTS, explain
    from model.storage import NotebookError

    windowless = any((arguments.stats, arguments.import_files, arguments.export_vcard, arguments.export_ics,
                      arguments.call_sheet, arguments.salvage, arguments.agenda, arguments.sync_add,
                      arguments.sync, arguments.sync_trust, arguments.sync_remove is not None))
    if not windowless:
        # Start-up makes some 85 collections (10-16 ms) of objects that all live on: none until
        # the window is up (gui.app.run turns collection back on).
        import gc

        gc.disable()
        # What the window needs of the model, imported before Qt: once PySide6 is loaded, every
        # further import goes through its import hook, which made start-up 70 ms slower.
        import filelock  # noqa: F401  (the notebook's lock)

        import model.meetings  # noqa: F401
        import model.prep  # noqa: F401

        path = notebook_path(arguments)
        opener = WindowOpener(arguments, path)
        from gui.app import start

        status = start(opener.open, path, files=arguments.files, screenshot=arguments.screenshot,
                       version=__version__, single_instance=not (arguments.demo or arguments.screenshot),
                       log_path=log_path)
        # All is saved: what is left is the interpreter tearing down, whose collections went through
        # every object once more (35-40 ms at 100,000 people, a sixth of the whole exit).
        gc.freeze()
        return status
    if arguments.salvage:
        return salvage(notebook_path(arguments), Path(arguments.salvage))
    writing = bool(arguments.import_files or arguments.sync_add or arguments.sync or arguments.sync_trust
                   or arguments.sync_remove is not None)
    try:
        notebook = open_notebook(arguments, exclusive=writing, reading=not writing)
    except NotebookError as error:
        print(f"rapport: {error}", file=sys.stderr)
        return EXIT_ERROR
    try:
        if arguments.stats:
            print_stats(notebook, arguments.json)
            return EXIT_OK
        if arguments.import_files:
            return import_files(arguments.import_files, arguments.json)
        if arguments.export_vcard:
            return export_vcard(arguments.export_vcard, arguments.vcard_version)
        if arguments.export_ics:
            return export_ics(arguments.export_ics)
        if arguments.agenda:
            return agenda(*arguments.agenda, as_json=arguments.json)
        if arguments.call_sheet:
            return call_sheet(arguments.call_sheet, arguments.pdf)
        if arguments.sync_add:
            return sync_add(arguments.sync_add, arguments.user, arguments.allow_http, arguments.json,
                            arguments.trust_host)
        if arguments.sync_trust:
            return sync_trust(*arguments.sync_trust)
        if arguments.sync:
            return sync_now(arguments.json)
        if arguments.sync_remove is not None:
            return sync_remove(arguments.sync_remove)
    except FAULTS as error:  # a full disk, a damaged page met half way: said as what it is
        print(f"rapport: {explain(error, notebook.path, 'use')}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        notebook.close()
    return EXIT_OK


def salvage(damaged: Path, out: Path) -> int:
    """`--salvage OUT`: copy what can still be read of the notebook into a new one at OUT."""
    from model import backups
    from model.faults import FAULTS, explain

    if out.exists():
        print(f"rapport: {out} exists already; name a new file", file=sys.stderr)
        return EXIT_ERROR
    try:
        copied = backups.salvage(damaged, out)
    except FAULTS as error:
        out.unlink(missing_ok=True)
        print(f"rapport: {explain(error, out, 'salvage into')}", file=sys.stderr)
        return EXIT_ERROR
    print(f"Salvaged {copied.get('contact', 0)} contact(s), {copied.get('interaction', 0)} exchange(s) and "
          f"{copied.get('meeting', 0)} meeting(s) from {damaged} into {out}", file=sys.stderr)
    return EXIT_OK


if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        import multiprocessing

        multiprocessing.freeze_support()  # the bundle's import workers start through here (model/parallel_read.py)
    sys.exit(main())
