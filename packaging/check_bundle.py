"""Start the frozen Rapport the way a user's machine would and fail loudly if anything is missing.

`make package-check` (and CI) runs it after `make package`: the version, a screenshot of the
window on the sample notebook (it must be a real picture), an import of a phone's vCards, and a
call sheet with a photo and CJK text (the print plugin, the image plugins, the bundled fonts).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus"
BINARY = ROOT / "dist" / "Rapport" / ("rapport.exe" if sys.platform == "win32" else "rapport")


def run(*arguments: str, expect: int = 0, **environment_too: str) -> subprocess.CompletedProcess:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_DEBUG_PLUGINS="0", **environment_too)
    result = subprocess.run([str(BINARY), *arguments], capture_output=True, text=True, env=environment, timeout=120)
    if result.returncode != expect:
        sys.exit(f"FAILED: rapport {' '.join(arguments)} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    for warning in ("Could not load the Qt platform plugin", "Traceback", "No such file"):
        if warning in result.stderr:
            sys.exit(f"FAILED: rapport {' '.join(arguments)}:\n{result.stderr}")
    return result


def distinct_colours(png: Path) -> int:
    from PIL import Image

    with Image.open(png) as image:
        return len(image.convert("RGB").getcolors(1 << 20) or [])


def main() -> int:
    if not BINARY.exists():
        sys.exit(f"FAILED: no bundle at {BINARY}; run `make package` first")
    folder = Path(tempfile.mkdtemp(prefix="rapport-bundle-"))
    try:
        return check(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check(folder: Path) -> int:
    version = run("--version").stdout.strip()
    print(f"ok  {version}")

    shot = folder / "window.png"
    run("--demo", "--screenshot", str(shot))
    colours = distinct_colours(shot)
    if colours < 200:
        sys.exit(f"FAILED: the screenshot has {colours} colours; the window did not draw")
    print(f"ok  screenshot of the window: {shot} ({colours} colours)")

    card = CORPUS / "vcards" / "ezvcard-gmail-list.vcf"
    if card.exists():
        result = json.loads(run("--db", str(folder / "import.rapport"), "--import", str(card), "--json",
                                expect=0).stdout)
        if result["new"] < 1:
            sys.exit(f"FAILED: importing {card.name} added nobody: {result}")
        print(f"ok  import of {card.name}: {result['new']} new")

    for who in ("Cathy Rogers", "太郎 山田"):
        pdf = folder / f"{who}.pdf"
        run("--demo", "--call-sheet", who, "--pdf", str(pdf))
        if pdf.stat().st_size < 10_000:
            sys.exit(f"FAILED: the call sheet for {who} is only {pdf.stat().st_size} bytes")
        if shutil.which("pdffonts"):
            fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
            if "Droid" not in fonts and who != "Cathy Rogers":
                sys.exit(f"FAILED: the CJK call sheet does not use the bundled font:\n{fonts}")
        if shutil.which("pdfimages") and who == "Cathy Rogers":
            images = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True).stdout
            if len(images.splitlines()) < 3:
                sys.exit("FAILED: the call sheet has no photo (image plugins missing?)")
        print(f"ok  call sheet for {who}: {pdf.stat().st_size // 1024} KB")
    # A file big enough to be parsed by the worker processes (model/parallel_read.py), which a
    # frozen app starts through multiprocessing's freeze support.
    big = folder / "big.vcf"
    big.write_text("".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {n}\r\nN:{n};Person;;;\r\n"
                           f"TEL:+1 912 555 {n % 10000:04d}\r\nEMAIL:p{n}@example.com\r\nNOTE:{'x' * 200}\r\n"
                           "END:VCARD\r\n" for n in range(20_000)), encoding="utf-8")
    result = json.loads(run("--db", str(folder / "big.rapport"), "--import", str(big), "--json").stdout)
    if result["new"] != 20_000:
        sys.exit(f"FAILED: importing 20,000 cards through the worker processes gave {result}")
    print("ok  import of 20,000 cards on the worker processes")

    check_sync(folder)
    check_modules()

    zones = BINARY.parent / "_internal" / "tzdata" / "zoneinfo"
    if not (zones / "zone1970.tab").exists() or not (zones / "Asia" / "Kolkata").exists():
        sys.exit("FAILED: the bundle has no tzdata (zoneinfo has no zones where the system has none)")
    print("ok  tzdata is bundled")
    size = sum(f.stat().st_size for f in BINARY.parent.rglob("*") if f.is_file() and not f.is_symlink())
    if size >= 100_000_000:
        sys.exit(f"FAILED: the bundle is {size / 1e6:.1f} MB; it must stay under 100 MB")
    print(f"ok  bundle size {size / 1e6:.1f} MB ({size / 2**20:.1f} MiB)")
    return 0


def check_sync(folder: Path) -> None:
    """The frozen app syncs five people with a real CardDAV/CalDAV server (Radicale, from the test
    dependencies), and can speak HTTPS (the ssl module and the system's OpenSSL load)."""
    sys.path.insert(0, str(ROOT))
    from tests.servers.radicale import free_port, radicale

    notebook = str(folder / "sync.rapport")
    people = folder / "people.vcf"
    people.write_text("".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Person {n}\r\nN:Person {n};Zoë;;;\r\n"
                              f"TEL:+49 30 555 {n:04d}\r\nEND:VCARD\r\n" for n in range(5)), encoding="utf-8")
    run("--db", notebook, "--import", str(people), "--json")
    with radicale(folder / "radicale") as server:
        # XDG_DATA_HOME: where the keyring would be if the bundle had one (it has none: RAPPORT_PASSWORD)
        secret = {"RAPPORT_PASSWORD": server.password, "XDG_DATA_HOME": str(folder)}
        account = json.loads(run("--db", notebook, "--sync-add", server.url, "--user", server.user, "--json",
                                 **secret).stdout)
        report = json.loads(run("--db", notebook, "--sync", "--json", **secret).stdout)
        status, listing = server.request("PROPFIND", account["address_book"], headers={"Depth": "1"})
    cards = len(re.findall(rb"<[^>]*href>[^<]+\.vcf</", listing))
    if report["errors"] or cards != 5:
        sys.exit(f"FAILED: 5 people did not reach the server ({cards} cards, status {status}): {report}")
    print(f"ok  sync with Radicale: {report['pushed']} pushed, {cards} cards on the server")
    result = run("--db", notebook, "--sync-add", f"https://127.0.0.1:{free_port()}/", "--user", "u", expect=1,
                 RAPPORT_PASSWORD="x")
    if "secure (https)" in result.stdout + result.stderr:
        sys.exit(f"FAILED: the bundle cannot speak HTTPS:\n{result.stdout}{result.stderr}")
    print("ok  HTTPS: the ssl module loads")
    check_keyring(folder, people)


def check_keyring(folder: Path, people: Path) -> None:
    """With a Secret Service on the session bus (GNOME Keyring, started here on a private bus),
    the frozen app keeps the password there and syncs without RAPPORT_PASSWORD."""
    from tests.servers import secrets
    from tests.servers.radicale import radicale

    if not secrets.available():
        print("--  keyring: no dbus-daemon and gnome-keyring-daemon here; not checked")
        return
    notebook = str(folder / "keyring.rapport")
    run("--db", notebook, "--import", str(people), "--json")
    with secrets.secret_service(folder / "session") as session, radicale(folder / "radicale-2") as server:
        added = run("--db", notebook, "--sync-add", server.url, "--user", server.user, "--json",
                    RAPPORT_PASSWORD=server.password, **session)
        if "no keyring" in added.stderr:
            sys.exit(f"FAILED: the bundle found no keyring on a session with GNOME Keyring:\n{added.stderr}")
        environment = {**session, "RAPPORT_PASSWORD": ""}
        report = json.loads(run("--db", notebook, "--sync", "--json", expect=0, **environment).stdout)
    print(f"ok  keyring: the password kept in GNOME Keyring, a sync without RAPPORT_PASSWORD ({report['pushed']}"
          " pushed)")


# Modules imported by name only when they are needed, which no run above reaches: what reads an
# SRV or TXT answer (DNS discovery needs a domain's DNS).
LOADED_BY_NAME = ["dns.rdtypes.IN.SRV", "dns.rdtypes.ANY.TXT", "dns.rdtypes.ANY.SOA", "dns.resolver",
                  "model.import_worker"]


def check_modules() -> None:
    from PyInstaller.archive.readers import CArchiveReader

    bundled = set(CArchiveReader(str(BINARY)).open_embedded_archive("PYZ.pyz").toc)
    missing = [name for name in LOADED_BY_NAME if name not in bundled]
    if missing:
        sys.exit(f"FAILED: the bundle lacks {', '.join(missing)}")
    print(f"ok  modules loaded by name are bundled ({len(LOADED_BY_NAME)})")


if __name__ == "__main__":
    sys.exit(main())
