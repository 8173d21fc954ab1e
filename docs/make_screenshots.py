"""Screenshots of every view, in a light and a dark palette, at 1024×700 and 1920×1080:
`make screenshots` writes them to docs/screenshots/all/<palette>-<width>x<height>/ (not kept in
git), and the README's own (docs/screenshots/*.png) from the light palette at 1280×820, with
the History tab in the dark one too (history-dark.png).

Each view is also checked as it is drawn: a label whose text does not fit its width (clipped, or
elided without a tooltip) is listed, with the view and the size; the script exits 1 if any is.

    .venv/bin/python docs/make_screenshots.py [--only NAME ...] [--no-readme]

It runs headless (QT_QPA_PLATFORM=offscreen) on a fresh copy of the sample notebook, in a
temporary folder, with the Fusion style so that both palettes are drawn the same everywhere.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

OUT = ROOT / "docs" / "screenshots"
SIZES = [(1024, 700), (1920, 1080)]
README_SIZE = (1280, 820)
README_VIEWS = ("today", "history", "prep", "calendar-week", "calendar-month")


from tests.gui.clipping import clipped_labels, dark_palette  # noqa: E402 - after the path and the platform are set


class Shooter:
    def __init__(self, folder: Path) -> None:
        from PySide6.QtWidgets import QApplication, QStyleFactory

        from gui.app import application
        from gui.main_window import MainWindow
        from model import sample

        self.app = application("screenshots")
        self.app.setStyle(QStyleFactory.create("Fusion"))
        self.light = self.app.style().standardPalette()
        self.folder = folder
        self.notebook = sample.build_sample_notebook(folder / "sample.rapport")
        self.MainWindow = MainWindow
        self.window = None
        self.QApplication = QApplication
        self.problems: list[str] = []

    def settle(self) -> None:
        for _ in range(5):
            self.QApplication.processEvents()

    def use(self, palette_name: str, size: tuple[int, int]) -> None:
        """A new window in that palette (as the desktop's theme gives it at start) and size."""
        self.app.setPalette(self.light if palette_name == "light" else dark_palette())
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
        self.window = self.MainWindow(self.notebook, "screenshots")
        self.window.show()
        self.window.resize(*size)
        self.settle()

    def person(self, name: str) -> None:
        from model import contacts

        found = [r.id for r in contacts.iter_contacts() if r.display_name == name]
        self.window.open_contact(found[0])
        self.settle()

    def shot(self, name: str, widget, path: Path, where: str) -> None:
        widget.grab()  # the first paint: what waits for it (Today's lists) comes next
        self.settle()
        path.parent.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(path), "PNG")
        self.problems += [f"{where} {name}: {problem}" for problem in clipped_labels(widget)]


def views(shooter: Shooter) -> dict[str, Callable[[], object]]:
    """Each view: what to do to show it, returning the widget to grab."""
    def today():
        window = shooter.window
        window.show_today()
        return window

    def tab(index: int, who: str = "Cathy Rogers"):
        def show():
            window = shooter.window
            shooter.person(who)
            window.contact_page.tabs.setCurrentIndex(index)
            return window
        return show

    def calendar(mode: int):
        def show():
            window = shooter.window
            view = window.calendar_view
            window.show_view(view)
            view.modes.button(mode).click()
            return window
        return show

    def sync_accounts():
        from gui.sync_panel import SyncAccountsDialog

        dialog = SyncAccountsDialog(shooter.window.sync_controller(), shooter.window)
        dialog.show()
        return dialog

    def meeting_editor():
        from gui.meeting_editor import MeetingEditor
        from model import contacts

        cathy = [r.id for r in contacts.iter_contacts() if r.display_name == "Cathy Rogers"]
        editor = MeetingEditor(contact_ids=cathy, parent=shooter.window)
        editor.show()
        return editor

    def preferences_dialog():
        from gui.preferences_dialog import PreferencesDialog

        dialog = PreferencesDialog(shooter.window)
        dialog.show()
        return dialog

    def import_plan():
        """Three cards for sample people (one adds to Cathy Rogers) and the corpus's awkward
        Android and KDE files, planned and shown as the user sees them before Import."""
        from tests.conftest import CORPUS

        card = shooter.folder / "phone.vcf"
        card.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Rogers;Cathy;;;\r\nFN:Cathy Rogers\r\n"
                        "EMAIL:cathy@highcallingblogs.com\r\nTEL;TYPE=WORK:+1 912 555 0199\r\n"
                        "ADR;TYPE=HOME:;;14 Jones Street;Savannah;GA;31401;United States\r\n"
                        "BDAY:1979-04-12\r\nEND:VCARD\r\n", encoding="utf-8")
        files = [str(card)] + [str(CORPUS / "vcards" / name) for name in (
            "android-v21-hash-comment-lines.vcf", "kcontacts-kaddressbook-logo-photo-sound.vcf",
            "ezvcard-gmail-list.vcf", "khard-korean-v4.vcf")]
        dialog = shooter.window.import_files(files)
        while not dialog.planned():
            shooter.QApplication.processEvents()
        dialog.table.selectRow(0)
        return dialog

    return {"preferences": preferences_dialog, "import-plan": import_plan, "today": today, "details": tab(0),
            "history": tab(1), "prep": tab(2),
            "meetings": tab(3),
            "calendar-week": calendar(0), "calendar-month": calendar(2), "calendar-agenda": calendar(1),
            "sync-accounts": sync_accounts,
            "meeting-editor": meeting_editor}


def call_sheet(folder: Path, path: Path) -> None:
    """Cathy Rogers's call sheet as poppler draws the PDF (pdftoppm, 60 dpi), if it is here."""
    import subprocess

    from gui.callsheet import makers_for, write_pdf
    from model import search

    if shutil.which("pdftoppm") is None:
        print("pdftoppm (poppler-utils) is missing: the call sheet's picture is left as it was", file=sys.stderr)
        return
    pdf = folder / "call-sheet.pdf"
    write_pdf(makers_for("contact", search.search("Cathy Rogers")[0]), pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(path.with_suffix(""))], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", default=None, help="only these views")
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite the README's screenshots")
    arguments = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="rapport-screenshots-"))
    try:
        shooter = Shooter(folder)
        shown = views(shooter)
        names = arguments.only or list(shown)
        for palette_name in ("light", "dark"):
            for size in SIZES:
                for name in names:
                    shooter.use(palette_name, size)
                    widget = shown[name]()
                    where = f"{palette_name} {size[0]}x{size[1]}"
                    shooter.shot(name, widget, OUT / "all" / f"{palette_name}-{size[0]}x{size[1]}" / f"{name}.png",
                                 where)
                    if widget is not shooter.window:
                        widget.close()
        if not arguments.no_readme:
            for name in names:
                shooter.use("light", README_SIZE)
                if (OUT / f"{name}.png").exists() or name in README_VIEWS:
                    widget = shown[name]()
                    shooter.shot(name, widget, OUT / f"{name}.png", "readme")
                    if widget is not shooter.window:
                        widget.close()
            if "history" in names:  # and one in the dark palette
                shooter.use("dark", README_SIZE)
                shooter.shot("history", shown["history"](), OUT / "history-dark.png", "readme")
            if arguments.only is None:
                call_sheet(folder, OUT / "call-sheet.png")
        shooter.window.close()
        shooter.notebook.close()
        for problem in dict.fromkeys(shooter.problems):
            print(problem)
        print(f"{len(names)} views × {2 * len(SIZES)} in {OUT / 'all'}", file=sys.stderr)
        return 1 if shooter.problems else 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
