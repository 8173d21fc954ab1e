"""Where Rapport's bundled files are: icons, stylesheet, templates, fonts, the sample notebook.

`path()` is the one way to find them; it works from a source checkout and in the frozen
(PyInstaller) bundle alike, because this package travels with its data files.
"""

import lzma
import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """The absolute path of a bundled resource, e.g. path("sample", "people.json")."""
    return _ROOT.joinpath(*parts)


def unpacked(source: Path, folder: str) -> Path:
    """An xz-compressed file (a font, the collation table) unpacked into Rapport's cache folder
    `folder` if it is not there yet. The packed file's size is part of the name, so that a new
    release's file replaces an old one; a file being unpacked never has the final name."""
    import platformdirs

    stem, suffix = os.path.splitext(source.name.removesuffix(".xz"))
    target = Path(platformdirs.user_cache_dir("Rapport", appauthor=False)) / folder / \
        f"{stem}-{source.stat().st_size}{suffix}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        partial.write_bytes(lzma.decompress(source.read_bytes()))
        os.replace(partial, target)  # another Rapport starting at the same time finds it whole
    return target
