"""Fixtures shared by every test: real notebook files in a temporary folder.

Qt runs offscreen, and QSettings writes to a throwaway folder, so tests never touch the
user's own configuration or need a display.
"""

import os
import sys
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="rapport-test-config-")
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="rapport-test-data-")
os.environ.setdefault("RAPPORT_REGION", "US")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT))


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
