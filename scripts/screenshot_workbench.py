#!/usr/bin/env python3
"""Screenshot of the annotation workbench under Xvfb, annotated through the real UI.

Starts a private Xvfb display, opens the app on a temporary project holding the seed
article, tags entities by dragging the mouse and pressing label hotkeys, marks a claim and
picks its speaker, sets the document sentiment, and saves a PNG of the screen.

    python scripts/screenshot_workbench.py [--out shots/workbench.png] [--theme light|dark]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "us-china-trade-talks-london.txt"
WIDTH, HEIGHT = 1680, 1000

ENTITIES = [
    ("United States", "3"),
    ("China", "3"),
    ("London", "3"),
    ("Tuesday", "6"),
    ("Howard Lutnick", "1"),
    ("Bloomberg Television", "2"),
    ("Kathleen Brooks", "1"),
    ("XTB", "2"),
    ("Donald Trump", "1"),
    ("Lancaster House", "4"),
    ("Kevin Hassett", "1"),
    ("CNBC", "2"),
    ("rare earth minerals", "0"),
]
CLAIM = "the lack of positive headlines weighed on stocks and the dollar"
CLAIM_SPEAKER = "Kathleen Brooks"


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    """A private X display; returns the process and its DISPLAY value."""
    if shutil.which("Xvfb") is None:
        sys.exit("Xvfb is not installed (apt-get install xvfb)")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write_fd),
            "-screen",
            "0",
            f"{WIDTH}x{HEIGHT}x24",
            "-nolisten",
            "tcp",
        ],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as handle:
        number = handle.readline().strip()
    if not number:
        proc.kill()
        sys.exit("Xvfb did not start")
    return proc, f":{number}"


def annotate_and_capture(out: Path, theme: str, workdir: Path) -> None:
    from PySide6.QtCore import QPoint, QSettings, Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from annotator.core.offsets import OffsetMap
    from annotator.services.importing import import_paths
    from annotator.services.project import open_project
    from annotator.ui.main_window import MainWindow
    from annotator.ui.settings import AppSettings
    from annotator.ui.theme import apply_theme

    app = QApplication(["annotator"])
    app.setApplicationName("Annotator")
    apply_theme(app, theme)
    project = open_project(workdir / "analysis.annotator", "analyst")
    import_paths(project, [SEED])
    settings = AppSettings(QSettings(str(workdir / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(project, settings, restore=False)
    window.setGeometry(0, 0, WIDTH, HEIGHT)
    window.show()
    window.activateWindow()
    for _ in range(20):
        app.processEvents()
    view = window.view
    text = window.model.text
    offsets = OffsetMap(text)

    def point(cp: int) -> QPoint:
        cursor = QTextCursor(view.document())
        cursor.setPosition(offsets.to_utf16(cp))
        view.setTextCursor(cursor)
        view.ensureCursorVisible()
        app.processEvents()
        return view.cursorRect(cursor).center()

    def drag(start: int, end: int) -> None:
        a, b = point(start), point(end)
        viewport = view.viewport()
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
        QTest.mouseMove(viewport, b)
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
        app.processEvents()

    def key(name: str, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        QTest.keyClick(view, getattr(Qt.Key, f"Key_{name}"), modifier)
        app.processEvents()

    for phrase, hotkey in ENTITIES:
        start = text.index(phrase)
        drag(start, start + len(phrase))
        key(hotkey)
    start = text.index(CLAIM)
    drag(start, start + len(CLAIM))
    key("C")
    speaker = window.claims.speaker
    index = next(i for i in range(speaker.count()) if speaker.itemText(i).startswith(CLAIM_SPEAKER))
    speaker.setFocus()
    for _ in range(index):
        QTest.keyClick(speaker, Qt.Key.Key_Down)
    QTest.keyClick(speaker, Qt.Key.Key_Tab)
    attribute = window.claims.attributes["stance"]
    attribute.setFocus()
    QTest.keyClick(attribute, Qt.Key.Key_Down)  # critical
    key("M", Qt.KeyboardModifier.AltModifier)  # document sentiment: mixed
    key("I", Qt.KeyboardModifier.ControlModifier)  # in progress
    view.setFocus()
    cursor = view.textCursor()
    cursor.setPosition(0)
    view.setTextCursor(cursor)
    view.verticalScrollBar().setValue(0)
    for _ in range(30):
        app.processEvents()
    window.progress.update_progress()
    app.processEvents()
    claim = window.model.session.annotations.claims
    assert len(claim) == 1 and next(iter(claim.values())).speaker_id, "claim without speaker"
    time.sleep(0.3)
    app.processEvents()
    if shutil.which("import"):
        subprocess.run(["import", "-window", "root", str(out)], check=True)
    else:
        window.screen().grabWindow(0).save(str(out))
    window.close()
    print(f"saved {out}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "shots" / "workbench.png"))
    parser.add_argument("--theme", default="light", choices=["light", "dark", "system"])
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    if os.environ.get("ANNOTATOR_SCREENSHOT_CHILD"):
        annotate_and_capture(out, args.theme, Path(os.environ["ANNOTATOR_SCREENSHOT_CHILD"]))
        return 0
    xvfb, display = start_xvfb()
    try:
        with tempfile.TemporaryDirectory() as workdir:
            env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
            env["ANNOTATOR_SCREENSHOT_CHILD"] = workdir
            env.pop("WAYLAND_DISPLAY", None)
            cmd = [sys.executable, __file__, "--out", str(out), "--theme", args.theme]
            return subprocess.run(cmd, env=env, check=False).returncode
    finally:
        xvfb.terminate()
        xvfb.wait()


if __name__ == "__main__":
    sys.exit(main())
