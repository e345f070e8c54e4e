#!/usr/bin/env python3
"""Screenshots of suggestions on the seed article under Xvfb, decided with the keyboard.

Opens the app on a temporary project holding the seed article, tags two people through
the real UI, runs Suggest ▸ Find quotations (on its worker thread), saves a PNG of the
suggestions, then walks them with F8 and accepts with Enter (and rejects one with
Backspace) and saves a second PNG.

    python scripts/screenshot_suggestions.py [--out shots/suggestions.png] [--display :N]
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshot_workbench import HEIGHT, ROOT, SEED, WIDTH, start_xvfb

TAGGED = [("Howard Lutnick", "1"), ("Kathleen Brooks", "1")]


def capture(out: Path, workdir: Path) -> None:
    from PySide6.QtCore import QPoint, QSettings, Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from annotator.core.offsets import OffsetMap
    from annotator.services.importing import import_paths
    from annotator.services.project import open_project
    from annotator.ui.main_window import MainWindow
    from annotator.ui.settings import AppSettings

    app = QApplication(["annotator"])
    app.setApplicationName("Annotator")
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
    tools = window.workbench.suggestions

    def settle(n: int = 20) -> None:
        for _ in range(n):
            app.processEvents()
            time.sleep(0.01)

    def point(cp: int) -> QPoint:
        cursor = QTextCursor(view.document())
        cursor.setPosition(offsets.to_utf16(cp))
        view.setTextCursor(cursor)
        view.ensureCursorVisible()
        app.processEvents()
        return view.cursorRect(cursor).center()

    def key(name: str, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        QTest.keyClick(view, getattr(Qt.Key, f"Key_{name}"), modifier)
        settle(5)

    for phrase, hotkey in TAGGED:
        start = text.index(phrase)
        a, b = point(start), point(start + len(phrase))
        viewport = view.viewport()
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
        QTest.mouseMove(viewport, b)
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
        key(hotkey)
    tools.find_quotes.trigger()  # Suggest ▸ Find quotations, on a worker
    deadline = time.monotonic() + 30
    while tools._runners and time.monotonic() < deadline:
        settle(2)
    view.setFocus()
    cursor = view.textCursor()
    cursor.setPosition(0)
    view.setTextCursor(cursor)
    view.verticalScrollBar().setValue(0)
    settle(30)
    assert tools.pending(), "no suggestions"

    def shot(path: Path) -> None:
        settle(20)
        if shutil.which("import"):
            subprocess.run(["import", "-window", "root", str(path)], check=True)
        else:
            window.screen().grabWindow(0).save(str(path))
        print(f"saved {path}")

    shot(out)
    key("F8")
    key("Return")  # accept the first suggestion
    key("Return")  # and the next
    key("Backspace")  # reject one
    key("Return")
    key("Return")
    view.verticalScrollBar().setValue(0)
    settle(10)
    shot(out.with_name(out.stem + "_accepted" + out.suffix))
    window.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "shots" / "suggestions.png"))
    parser.add_argument("--display", help="an X display already running (default: a new Xvfb)")
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    if os.environ.get("ANNOTATOR_SCREENSHOT_CHILD"):
        capture(out, Path(os.environ["ANNOTATOR_SCREENSHOT_CHILD"]))
        return 0
    xvfb, display = (None, args.display) if args.display else start_xvfb()
    try:
        with tempfile.TemporaryDirectory() as workdir:
            env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
            env["ANNOTATOR_SCREENSHOT_CHILD"] = workdir
            env.pop("WAYLAND_DISPLAY", None)
            cmd = [sys.executable, __file__, "--out", str(out)]
            return subprocess.run(cmd, env=env, check=False).returncode
    finally:
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait()


if __name__ == "__main__":
    sys.exit(main())
