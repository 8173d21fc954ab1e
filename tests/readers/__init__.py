"""A second, independent reader of what Rapport writes: ical.js (Mozilla's vCard and iCalendar
parser, pinned in package.json), run with Node.js. `make test` installs it (npm ci)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> str:
    """"" when ical.js can run here, else what is missing."""
    if shutil.which("node") is None:
        return "Node.js is not installed (Debian: apt-get install nodejs npm)"
    if not (HERE / "node_modules" / "ical.js").exists():
        return f"ical.js is not installed: npm ci --prefix {HERE}"
    return ""


def read_with_icaljs(*files: Path) -> list[dict]:
    """One result per file: {"components": n, "properties": n} or {"error": ...}."""
    missing = available()
    if missing:
        raise RuntimeError(missing)
    result = subprocess.run(["node", str(HERE / "read.mjs"), *map(str, files)], capture_output=True, text=True,
                            timeout=60, check=True)
    return [json.loads(line) for line in result.stdout.splitlines()]
