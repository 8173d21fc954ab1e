"""A smaller ICU data library for the Linux bundle (32 MB down to about 4 MB).

Qt links ICU, and PySide6's wheel ships ICU's complete data: every locale's names of languages,
countries, currencies, units and time zones, collation rules for every language, dictionaries
for Thai and CJK word breaks, and hundreds of legacy character converters. Rapport needs none of
it beyond English and the root data (its text is decoded by Python, sorted by its own folded
keys, and laid out by Qt's own line breaker), so the bundle carries a rebuilt `libicudata`
with the rest removed.

The data is copied out of the wheel's library (the `icudt<N>_dat` symbol), filtered with
ICU's own `icupkg`, and compiled back into a shared library with `genccode` and the C
compiler (Debian: `apt-get install icu-devtools gcc`). Where those tools are missing, the spec
keeps the full library and says so.

    python packaging/trim_icu.py PATH/TO/libicudata.so.73 OUT_FOLDER
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# Items kept in the folders of per-locale data: the root locale, English, and the shared pools.
_LOCALE_ITEM = re.compile(r"^[a-z]{2,3}(_\w*)?\.res$")
_PER_LOCALE_FOLDERS = ("", "curr", "zone", "lang", "region", "unit", "coll", "rbnf")


def tools_available() -> bool:
    return all(shutil.which(tool) for tool in ("icupkg", "genccode", "cc", "readelf"))


def _removed(item: str) -> bool:
    folder, _, name = item.rpartition("/")
    if name.endswith((".cnv", ".dict")) or folder == "translit":
        return True  # legacy converters, word-break dictionaries, transliterators
    if folder in _PER_LOCALE_FOLDERS and _LOCALE_ITEM.match(name) and name != "res_index.res":
        return not (name in ("root.res", "en.res") or name.startswith("en_"))
    return False


def _data_symbol(library: Path) -> tuple[str, int, int]:
    """(symbol name, file offset, size) of the ICU data in `library`."""
    symbols = subprocess.run(["readelf", "-Ws", str(library)], capture_output=True, text=True, check=True).stdout
    symbol_row = r"^\s*\d+:\s+([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\S+\s+(\d+)\s+(icudt\d+_dat)\s*$"
    match = re.search(symbol_row, symbols, re.MULTILINE)
    if not match:
        raise RuntimeError(f"no icudt*_dat symbol in {library}")
    address, size, section, name = int(match.group(1), 16), int(match.group(2), 0), int(match.group(3)), match.group(4)
    sections = subprocess.run(["readelf", "-SW", str(library)], capture_output=True, text=True, check=True).stdout
    row = re.search(rf"^\s*\[\s*{section}\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", sections, re.MULTILINE)
    if not row:
        raise RuntimeError(f"no section {section} in {library}")
    section_address, section_offset = int(row.group(1), 16), int(row.group(2), 16)
    return name, section_offset + address - section_address, size


def trim(library: Path, out_folder: Path) -> Path:
    """Write the trimmed library, under the same name, into `out_folder`; return its path."""
    symbol, offset, size = _data_symbol(library)
    entry = symbol.removesuffix("_dat")
    out_folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rapport-icu-") as work:
        work = Path(work)
        package = f"{entry}{sys.byteorder[0]}.dat"  # icupkg reads the item prefix from the name: icudt73l
        (work / "small").mkdir()
        with open(library, "rb") as stream:
            stream.seek(offset)
            (work / package).write_bytes(stream.read(size))
        items = subprocess.run(["icupkg", "-l", package], cwd=work, capture_output=True, text=True,
                               check=True).stdout.split()
        (work / "removed.txt").write_text("\n".join(item for item in items if _removed(item)) + "\n")
        # --ignore-deps: the root break rules name the dictionaries, which ICU then does without.
        subprocess.run(["icupkg", "--ignore-deps", "-r", "removed.txt", package, f"small/{package}"], cwd=work,
                       capture_output=True, check=True)
        subprocess.run(["genccode", "-q", "-a", "gcc", "-e", entry, "-d", ".", f"small/{package}"], cwd=work,
                       check=True)
        out = out_folder / library.name
        assembly = next(work.glob("*.S"))
        subprocess.run(["cc", "-shared", "-nostdlib", "-o", str(out), f"-Wl,-soname,{library.name}", assembly.name],
                       cwd=work, check=True)
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    if not tools_available():
        sys.exit("trim_icu: needs icupkg and genccode (icu-devtools), cc and readelf")
    result = trim(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{result}: {result.stat().st_size / 1e6:.1f} MB (was {Path(sys.argv[1]).stat().st_size / 1e6:.1f} MB)")
