"""Every command-line example in the README runs as written (from the repository, with the
project's virtual environment) and succeeds."""

import os
import shlex
import subprocess
import sys

import pytest

from tests.conftest import ROOT

PREFIX = ".venv/bin/python main.py "


def readme_examples() -> list[str]:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.startswith("    " + PREFIX)]


def test_the_readme_has_examples():
    assert len(readme_examples()) >= 6


@pytest.mark.parametrize("example", readme_examples())
def test_a_readme_example_runs_as_written(example, tmp_path):
    (tmp_path / "tests").symlink_to(ROOT / "tests")  # the examples name files in the repository
    if "--salvage" in example:  # salvaging needs a notebook to read
        subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(tmp_path / "mine.rapport"), "--stats"],
                       check=True, capture_output=True, timeout=60)
    arguments = shlex.split(example)[2:]
    venv_python = ROOT / ".venv" / "bin" / "python"  # the README's own interpreter, where make made it
    python = str(venv_python) if venv_python.exists() else sys.executable
    result = subprocess.run([python, str(ROOT / "main.py"), *arguments], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for word in arguments:
        if word.endswith((".pdf", ".vcf", ".ics", ".png", ".rapport")) and not word.startswith("tests/"):
            assert (tmp_path / word).stat().st_size > 0, word
