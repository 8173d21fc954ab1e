"""Where Rapport's bundled files are: icons, stylesheet, templates, fonts, the sample notebook.

`path()` is the one way to find them; it works from a source checkout and in the frozen
(PyInstaller) bundle alike, because this package travels with its data files.
"""

from pathlib import Path

_ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """The absolute path of a bundled resource, e.g. path("sample", "people.json")."""
    return _ROOT.joinpath(*parts)
