"""Check that the system libraries Qt loads on Linux are there; say how to install what is not.

    python packaging/system_libraries.py [--platform xcb|offscreen] [--install]

PySide6's wheels carry Qt itself, but not the X11 and font libraries every desktop has, and a
few (libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1) that many do not. When one is missing, Qt
aborts with a message about only one of them, after the window was asked for. This script asks
the loader instead: it runs `ldd` over the Qt plugin for the platform (and the Qt modules
Rapport imports), adds what Qt opens at run time (libxcb-cursor), and for each library that is
not found names the package on Debian/Ubuntu (apt), Fedora (dnf, by the library's own name) or
others. With --install, where it runs as root on apt or dnf, it installs them, saying so first.

Exit 0 when nothing is missing (or not on Linux), 1 when something is and was not installed.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

# Debian package for each library Qt 6's xcb and offscreen platforms need. A library not named
# here follows Debian's naming rule (libfoo.so.1 is in libfoo1, libfoo-2.so.3 in libfoo-2-3).
DEBIAN_PACKAGES = {
    "libEGL.so.1": "libegl1", "libGL.so.1": "libgl1", "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0", "libxkbcommon.so.0": "libxkbcommon0", "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libfontconfig.so.1": "libfontconfig1", "libfreetype.so.6": "libfreetype6", "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0", "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1", "libxcb.so.1": "libxcb1", "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4", "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0", "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-xkb.so.1": "libxcb-xkb1", "libxcb-randr.so.0": "libxcb-randr0", "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0", "libxcb-sync.so.1": "libxcb-sync1", "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-render.so.0": "libxcb-render0", "libxcb-xinput.so.0": "libxcb-xinput0", "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6", "libcups.so.2": "libcups2",
}
# Opened by Qt with dlopen, so ldd cannot see them (Qt 6.5 and later abort without libxcb-cursor).
LOADED_AT_RUN_TIME = {"xcb": ["libxcb-cursor.so.0"], "offscreen": []}
QT_MODULES = ["QtCore", "QtGui", "QtWidgets", "QtPrintSupport", "QtSvg"]
# Programs the tests use (--tests): PDF readers, Node.js for the second vCard and iCalendar
# reader (tests/readers), and a session bus with GNOME Keyring for the Secret Service
# (tests/servers/secrets.py); the Debian and Fedora package of each.
TEST_TOOLS = {"pdftotext": "poppler-utils", "pdftoppm": "poppler-utils", "pdffonts": "poppler-utils",
              "node": "nodejs", "npm": "npm", "dbus-daemon": "dbus", "dbus-send": "dbus",
              "gnome-keyring-daemon": "gnome-keyring"}


def debian_package(soname: str) -> str:
    if soname in DEBIAN_PACKAGES:
        return DEBIAN_PACKAGES[soname]
    name, _, version = soname.partition(".so.")
    name = name.lower().replace("_", "-")
    return f"{name}{'-' if name[-1:].isdigit() else ''}{version.split('.')[0]}"


def qt_binaries(qt_platform: str) -> list[Path]:
    import PySide6

    package = Path(PySide6.__file__).parent
    binaries = [package / "Qt" / "plugins" / "platforms" / f"libq{qt_platform}.so"]
    for module in QT_MODULES:
        binaries += sorted(package.glob(f"{module}.*.so"))
    return [binary for binary in binaries if binary.exists()]


def missing_libraries(qt_platform: str) -> list[str]:
    """The sonames the loader cannot find for Qt on `qt_platform`, in a stable order."""
    missing: set[str] = set()
    for binary in qt_binaries(qt_platform):
        listing = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=False).stdout
        missing.update(re.findall(r"^\s*(\S+) => not found", listing, re.MULTILINE))
    for soname in LOADED_AT_RUN_TIME.get(qt_platform, []):
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.add(soname)
    return sorted(missing)


def distribution() -> set[str]:
    """The ids of /etc/os-release (ID and ID_LIKE): {"debian", "ubuntu"}, {"fedora"}, ..."""
    try:
        text = Path("/etc/os-release").read_text(encoding="utf-8")
    except OSError:
        return set()
    ids: set[str] = set()
    for key in ("ID", "ID_LIKE"):
        match = re.search(rf"^{key}=\"?([^\"\n]*)", text, re.MULTILINE)
        if match:
            ids.update(match.group(1).split())
    return ids


def missing_tools() -> list[str]:
    return sorted(tool for tool in TEST_TOOLS if shutil.which(tool) is None)


def install_command(sonames: list[str], tools: list[str]) -> list[str] | None:
    """The command that installs `sonames` and `tools` here, or None where we cannot say."""
    ids = distribution()
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    tool_packages = {TEST_TOOLS[tool] for tool in tools}
    if ids & {"debian", "ubuntu"} and shutil.which("apt-get"):
        packages = sorted({debian_package(soname) for soname in sonames} | tool_packages)
        return [*sudo, "apt-get", "install", "-y", "--no-install-recommends", *packages]
    if ids & {"fedora", "rhel", "centos"} and shutil.which("dnf"):
        bits = "()(64bit)" if platform.machine() in ("x86_64", "aarch64") else ""
        return [*sudo, "dnf", "install", "-y", *(f"{soname}{bits}" for soname in sonames), *sorted(tool_packages)]
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", default="xcb", choices=["xcb", "offscreen"],
                        help="the Qt platform to check for (xcb: a desktop; offscreen: tests)")
    parser.add_argument("--tests", action="store_true",
                        help="also the programs the tests use (poppler, Node.js, D-Bus, GNOME Keyring)")
    parser.add_argument("--install", action="store_true", help="install what is missing when running as root")
    arguments = parser.parse_args()
    if sys.platform != "linux":
        return 0
    missing = missing_libraries(arguments.platform)
    tools = missing_tools() if arguments.tests else []
    if not missing and not tools:
        return 0
    command = install_command(missing, tools)
    if missing:
        print(f"Qt needs system libraries this machine lacks: {', '.join(missing)}.", file=sys.stderr)
    if tools:
        print(f"The tests use {', '.join(tools)}, which this machine lacks.", file=sys.stderr)
    if command and arguments.install and os.geteuid() == 0:
        print(f"Installing them: {' '.join(command)}", file=sys.stderr)
        if command[0] == "apt-get":
            subprocess.run(["apt-get", "update", "-qq"], check=False)
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        if subprocess.run(command, env=environment, check=False).returncode == 0 \
                and not missing_libraries(arguments.platform) and not (arguments.tests and missing_tools()):
            return 0
        print("The installation did not bring them all; see the messages above.", file=sys.stderr)
        return 1
    if command:
        print(f"Install them with:\n\n    {' '.join(command)}\n\nthen run the command again.", file=sys.stderr)
    else:
        print("Install the packages that provide them with your system's package manager (README: "
              "\"The one-time system step\"), then run the command again.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
