"""Rapport: a contact notebook for taking relationships offline.

    python main.py [FILE ...] [--db PATH] [--demo] [--screenshot OUT.png] [--version]
    python main.py --stats [--json]

With no flags it opens the window on the user's notebook. The README documents every flag;
scripts rely on their names, JSON keys and exit codes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

__version__ = "0.1.0"

EXIT_OK, EXIT_ERROR = 0, 1


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="rapport", description="A contact notebook for taking relationships offline.")
    parser.add_argument("files", nargs="*", metavar="FILE", help=".vcf or .ics files to import")
    parser.add_argument("--db", metavar="PATH", help="open this notebook (created if missing); "
                        "the RAPPORT_DB environment variable does the same")
    parser.add_argument("--demo", action="store_true", help="open a fresh copy of the sample notebook")
    parser.add_argument("--screenshot", metavar="OUT.png", help="save a picture of the window and exit")
    parser.add_argument("--stats", action="store_true", help="print what the notebook holds and exit")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON (with --stats)")
    parser.add_argument("--version", action="version", version=f"Rapport {__version__}")
    return parser.parse_args(argv)


def notebook_path(arguments: argparse.Namespace) -> Path:
    """The notebook to open: --demo's fresh copy, --db, $RAPPORT_DB, or the user's own."""
    if arguments.demo:
        return Path(tempfile.mkdtemp(prefix="rapport-demo-")) / "sample.rapport"
    if arguments.db:
        return Path(arguments.db)
    if os.environ.get("RAPPORT_DB"):
        return Path(os.environ["RAPPORT_DB"])
    from model.storage import default_notebook_path

    return default_notebook_path()


def open_notebook(arguments: argparse.Namespace):
    from model import storage

    path = notebook_path(arguments)
    if arguments.demo:
        from model import sample

        return sample.build_sample_notebook(path)
    return storage.open_notebook(path, create_folder=path == storage.default_notebook_path())


def print_stats(notebook, as_json: bool) -> None:
    stats = notebook.stats()
    if as_json:
        print(json.dumps(stats))
    else:
        for key, value in stats.items():
            print(f"{key.replace('_', ' ')}: {value}")


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    from model.storage import NotebookError

    try:
        notebook = open_notebook(arguments)
    except NotebookError as error:
        print(f"rapport: {error}", file=sys.stderr)
        return EXIT_ERROR
    if arguments.stats:
        print_stats(notebook, arguments.json)
        notebook.close()
        return EXIT_OK
    from gui.app import run

    return run(notebook, files=arguments.files, screenshot=arguments.screenshot, version=__version__)


if __name__ == "__main__":
    sys.exit(main())
