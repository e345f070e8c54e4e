"""Before `make run` on Linux: are the system libraries Qt's xcb platform needs installed?

Prints the install line for Debian/Ubuntu, Fedora and Arch and exits 1 when some are
missing, instead of letting Qt stop with "xcb-cursor0 ... needed". Exits 0 elsewhere
(Windows, macOS, a headless QT_QPA_PLATFORM such as offscreen, or Wayland-only sessions
that set QT_QPA_PLATFORM=wayland).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable

# soname -> Debian package. Keep in step with README.md and .ci/run.
LIBRARIES = {
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}
DEBIAN = "sudo apt-get install " + " ".join(LIBRARIES.values())
FEDORA = (
    "sudo dnf install xcb-util-wm xcb-util-keysyms xcb-util-cursor xcb-util-renderutil "
    "xcb-util-image libxkbcommon-x11 libxkbcommon mesa-libEGL mesa-libGL fontconfig "
    "dbus-libs glib2"
)
ARCH = (
    "sudo pacman -S --needed xcb-util-wm xcb-util-keysyms xcb-util-cursor "
    "xcb-util-renderutil xcb-util-image libxkbcommon-x11 libxkbcommon libglvnd fontconfig "
    "dbus glib2"
)


def known_libraries() -> set[str]:
    """Sonames the dynamic linker knows (`ldconfig -p`), empty if it cannot be asked."""
    for ldconfig in ("ldconfig", "/sbin/ldconfig", "/usr/sbin/ldconfig"):
        try:
            out = subprocess.run(
                [ldconfig, "-p"], capture_output=True, text=True, check=False, timeout=10
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            continue
        return {line.split()[0] for line in out.splitlines()[1:] if line.strip()}
    return set()


def missing(known: Iterable[str]) -> list[str]:
    """Debian package names of the libraries not in `known` (empty: nothing to install)."""
    have = set(known)
    return [package for soname, package in LIBRARIES.items() if soname not in have]


def message(packages: list[str]) -> str:
    return (
        "Qt needs system libraries that are not installed: "
        + ", ".join(packages)
        + ".\nInstall them with one of these lines, then run `make run` again:\n"
        f"  Debian/Ubuntu: {DEBIAN}\n  Fedora:        {FEDORA}\n  Arch:          {ARCH}\n"
    )


def main() -> int:
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux") or platform.split(":")[0] not in ("", "xcb"):
        return 0
    known = known_libraries()
    if not known:  # no ldconfig to ask (e.g. NixOS): let Qt say what it needs
        return 0
    packages = missing(known)
    if packages:
        print(message(packages), file=sys.stderr, end="")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
