"""Fixtures shared by every test: real notebook files in a temporary folder, a frozen clock.

Qt runs offscreen, and QSettings writes to a throwaway folder, so tests never touch the
user's own configuration or need a display. Every temporary file of the run, the test's own,
pytest's and the subprocesses' (TMPDIR), lives in one folder that is removed at the end, so a
run leaves nothing behind in the system's temporary folder.

The clock is frozen for every test at 10:00 local time on a fixed Wednesday, so a test that
depends on "now" passes at any hour and in any zone (CI runs the suite under several zones
and near midnight). A test that needs another moment uses `clock.frozen(...)`.
"""

import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

# A process the tests start (a parse worker that imports a test module, say) shares the run's folder.
_INHERITED = os.environ.get("RAPPORT_TEST_RUN_FOLDER")
RUN_FOLDER = Path(_INHERITED) if _INHERITED else Path(tempfile.mkdtemp(prefix="rapport-tests-"))
os.environ["RAPPORT_TEST_RUN_FOLDER"] = str(RUN_FOLDER)
tempfile.tempdir = str(RUN_FOLDER)
os.environ["TMPDIR"] = str(RUN_FOLDER)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = str(RUN_FOLDER / "config")
os.environ["XDG_DATA_HOME"] = str(RUN_FOLDER / "data")
os.environ["XDG_STATE_HOME"] = str(RUN_FOLDER / "state")
os.environ["XDG_RUNTIME_DIR"] = str(RUN_FOLDER / "runtime")
for folder in ("config", "data", "state", "runtime"):
    (RUN_FOLDER / folder).mkdir(mode=0o700, exist_ok=True)
os.environ.setdefault("RAPPORT_REGION", "US")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus"  # copied from ../shared/corpus, with its PROVENANCE.md files
sys.path.insert(0, str(ROOT))

# A Wednesday in June: mid-week, far from any daylight-saving change in either hemisphere.
FROZEN_DAY = dt.date(2026, 6, 10)
FROZEN_TIME = dt.time(10, 0)


def pytest_unconfigure(config):
    if not _INHERITED:
        # The import workers' fork server (model/parallel_read.py) has its socket in a folder of
        # the run's: multiprocessing stops it and removes the folder at exit; here, before the
        # run's folder goes (it would find its own gone, and say so).
        from multiprocessing import util

        util._exit_function()
        shutil.rmtree(RUN_FOLDER, ignore_errors=True)


def frozen_moment() -> dt.datetime:
    """10:00 on FROZEN_DAY in the computer's own zone (TZ), as the tests' "now"."""
    from model import clock

    return dt.datetime.combine(FROZEN_DAY, FROZEN_TIME, clock.local_zone())


# main.py started by a test reads the same frozen moment (model/clock.py).
os.environ["RAPPORT_CLOCK"] = frozen_moment().isoformat()


@pytest.fixture(autouse=True)
def frozen_clock():
    from model import clock

    clock.freeze(frozen_moment())
    yield clock
    clock.thaw()


@pytest.fixture(autouse=True)
def fresh_preferences():
    """Each test starts from no preferences: what a test saves (a home zone, call hours) goes with
    it, from memory and from the run's config folder (autouse, so this runs after a test's
    monkeypatch has put its environment back)."""
    from model import preferences

    preferences.forget()
    yield
    preferences.forget()
    preferences.path().unlink(missing_ok=True)


@pytest.fixture
def notebook(tmp_path):
    """An empty notebook in a real SQLite file."""
    from model.storage import open_notebook

    notebook = open_notebook(tmp_path / "test.rapport")
    yield notebook
    notebook.close()


@pytest.fixture
def sample_notebook(tmp_path):
    """A fresh copy of the sample notebook (40 people)."""
    from model.sample import build_sample_notebook

    notebook = build_sample_notebook(tmp_path / "sample.rapport")
    yield notebook
    notebook.close()
