#!/usr/bin/env python3
"""An analyst's first day, driven through the real window with mouse and keys under Xvfb.

One project and one settings file are used by several sessions in a row, each a fresh
process on a private Xvfb display, as a new analyst would meet them:

1. light theme at 2x scaling (QT_SCALE_FACTOR=2): tag a few entities, quit;
2. light theme at 1x: the layout must be the normal one again; tag, nest a span inside
   another (double-click a word inside it and press a label key), mark a claim, pick its
   speaker, set a sentiment, resize the claim, open the shortcuts (F1), import a folder
   with files that are refused;
3. dark theme at 1x: the same document with its annotations, a claim selected;
4. dark theme at 2x.

Every step saves a PNG of the screen into the folder given (default shots/first_day/).

    python scripts/first_day.py [shots/first_day] [--display N]
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
sys.path.insert(0, str(ROOT))
SEED = ROOT / "seeds" / "us-china-trade-talks-london.txt"
WIDTH, HEIGHT = 1600, 1000

SESSIONS = [  # (name, scale, theme)
    ("1-light-2x", "2", "light"),
    ("2-light-1x", "1", "light"),
    ("3-dark-1x", "1", "dark"),
    ("4-dark-2x", "2", "dark"),
]


def start_xvfb(number: str | None) -> tuple[subprocess.Popen[bytes], str]:
    """A private X display (`number`, or one Xvfb picks); returns it and its DISPLAY."""
    if shutil.which("Xvfb") is None:
        sys.exit("Xvfb is not installed (apt-get install xvfb)")
    screen = ["-screen", "0", f"{WIDTH}x{HEIGHT}x24", "-nolisten", "tcp"]
    if number is not None:
        proc = subprocess.Popen(["Xvfb", f":{number}", *screen], stderr=subprocess.DEVNULL)
        time.sleep(1.0)
        if proc.poll() is not None:
            sys.exit(f"Xvfb could not start on :{number}")
        return proc, f":{number}"
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), *screen],
        pass_fds=(write_fd,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as handle:
        found = handle.readline().strip()
    if not found:
        proc.kill()
        sys.exit("Xvfb did not start")
    return proc, f":{found}"


def make_refusals(folder: Path) -> Path:
    """A folder to import: one good article, one blank file, one broken JSONL, a picture."""
    incoming = folder / "incoming"
    incoming.mkdir(exist_ok=True)
    (incoming / "good.txt").write_text(
        "Officials in Brussels said on Friday that the European Union would answer "
        "the tariffs within weeks.\n\nMarkets were calm.",
        encoding="utf-8",
    )
    (incoming / "blank.txt").write_text("  \n\t\n", encoding="utf-8")
    (incoming / "broken.jsonl").write_text(
        '{"text": "A fine line about trade."}\n{"text": "the next line is cut off\n',
        encoding="utf-8",
    )
    (incoming / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    return incoming


class Session:
    """One run of the app: the real MainWindow, driven with QTest mouse and key events."""

    def __init__(self, workdir: Path, out: Path, name: str, theme: str) -> None:
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication

        from annotator.services.importing import import_paths
        from annotator.services.project import open_project
        from annotator.ui.main_window import MainWindow
        from annotator.ui.settings import AppSettings
        from annotator.ui.theme import apply_theme

        self.out = out
        self.name = name
        self.app = QApplication(["annotator"])
        self.app.setApplicationName("Annotator")
        apply_theme(self.app, theme)
        path = workdir / "analysis.annotator"
        fresh = not path.exists()
        project = open_project(path, "analyst")
        if fresh:
            import_paths(project, [SEED])
        ini = str(workdir / "settings.ini")
        self.settings = AppSettings(QSettings(ini, QSettings.Format.IniFormat))
        self.settings.set_theme(theme)
        self.window = MainWindow(project, self.settings)
        self.window.show()
        self.window.activateWindow()
        self.settle(40)
        self.view = self.window.view
        self.shots = 0

    # -- helpers ------------------------------------------------------------------------
    def settle(self, rounds: int = 10) -> None:
        for _ in range(rounds):
            self.app.processEvents()
            time.sleep(0.01)

    def shot(self, what: str) -> None:
        self.settle(30)
        self.shots += 1
        target = self.out / f"{self.name}-{self.shots:02d}-{what}.png"
        if shutil.which("import"):
            subprocess.run(["import", "-window", "root", str(target)], check=True)
        else:
            screen = self.window.screen()
            screen.grabWindow(0).save(str(target))
        print(f"  {target.name}")

    def point(self, cp: int):  # type: ignore[no-untyped-def]
        from PySide6.QtGui import QTextCursor

        from annotator.core.offsets import OffsetMap

        cursor = QTextCursor(self.view.document())
        cursor.setPosition(OffsetMap(self.window.model.text).to_utf16(cp))
        self.view.setTextCursor(cursor)
        self.view.ensureCursorVisible()
        self.settle(2)
        return self.view.cursorRect(cursor).center()

    def drag(self, phrase: str, nth: int = 0) -> tuple[int, int]:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        text = self.window.model.text
        start = -1
        for _ in range(nth + 1):
            start = text.index(phrase, start + 1)
        end = start + len(phrase)
        a, b = self.point(start), self.point(end)
        viewport = self.view.viewport()
        none = Qt.KeyboardModifier.NoModifier
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, none, a)
        QTest.mouseMove(viewport, b)
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, none, b)
        self.settle(2)
        return start, end

    def key(self, name: str, modifiers=None, widget=None) -> None:  # type: ignore[no-untyped-def]
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        modifiers = modifiers if modifiers is not None else Qt.KeyboardModifier.NoModifier
        QTest.keyClick(widget or self.view, getattr(Qt.Key, f"Key_{name}"), modifiers)
        self.settle(2)

    def tag(self, phrase: str, hotkey: str, nth: int = 0) -> None:
        self.drag(phrase, nth)
        self.key(hotkey)

    def double_click(self, phrase: str, inside: int = 1) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        start = self.window.model.text.index(phrase) + inside
        a, b = self.point(start), self.point(start + 1)
        QTest.mouseDClick(
            self.view.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            (a + b) / 2,
        )
        self.settle(2)

    def click(self, phrase: str, inside: int = 2) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        start = self.window.model.text.index(phrase) + inside
        a, b = self.point(start), self.point(start + 1)
        QTest.mouseClick(
            self.view.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            (a + b) / 2,
        )
        self.settle(2)

    def top(self) -> None:
        self.view.verticalScrollBar().setValue(0)
        self.settle(4)

    def close(self) -> None:
        self.window.close()
        self.settle(5)


def first_session(s: Session) -> None:
    s.shot("start")
    s.tag("Howard Lutnick", "1")
    s.tag("London", "3")
    s.tag("Tuesday", "6")
    s.top()
    s.shot("tagged")
    s.key("F1")
    s.shot("shortcuts")
    dialog = s.app.activeModalWidget()
    table = getattr(dialog, "table", None)
    if table is not None:  # the article view's own keys come last
        table.scrollToBottom()
        s.shot("shortcuts-view-keys")
    s.key("Escape", widget=dialog or s.app.focusWidget())
    s.close()


def second_session(s: Session, workdir: Path) -> None:
    from PySide6.QtCore import Qt

    s.shot("after-2x-layout")
    text = s.window.model.text
    s.tag("US Commerce Secretary Howard Lutnick", "1")
    # nest: double-click "US" inside the PERSON span, then GPE
    s.double_click("US Commerce Secretary")
    s.key("3")
    s.tag("Kathleen Brooks", "1")
    s.tag("XTB", "2")
    s.tag("China", "3")
    s.top()
    s.click("US Commerce Secretary", inside=8)  # a click selects the span
    s.shot("nested-span-selected")
    claim = "the lack of positive headlines weighed on stocks and the dollar"
    if claim in text:
        s.tag(claim, "C")
    s.key("Right", Qt.KeyboardModifier.ShiftModifier)  # grow the claim by one word
    speaker = s.window.claims.speaker
    s.key("K", Qt.KeyboardModifier.ControlModifier)  # Go to claim speaker
    speaker.showPopup()  # the list: persons and organisations first, nearest first
    s.shot("speaker-list")
    speaker.hidePopup()
    s.key("Down", widget=speaker)
    s.key("Tab", widget=speaker)
    s.shot("claim-with-speaker")
    s.click("Kathleen Brooks")
    s.key("N", Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    s.key("M", Qt.KeyboardModifier.AltModifier)  # document sentiment: mixed
    s.shot("sentiment")
    s.key("Escape")
    s.point(text.index("economy.") + len("economy"))  # the caret before a full stop
    s.key("Right", Qt.KeyboardModifier.ShiftModifier)  # select "." from the keyboard
    s.key("1")  # refused: no letter or digit
    s.shot("punctuation-refused")
    incoming = make_refusals(workdir)
    s.window.open_paths([str(incoming)])  # what dropping the folder does
    deadline = time.time() + 20
    while s.window.files.busy and time.time() < deadline:
        s.settle(5)
    s.settle(20)
    s.shot("import-refusals")
    dialog = s.window.files.last_report_dialog
    if dialog is not None:
        dialog.close()
    s.close()


def third_session(s: Session) -> None:
    s.top()
    s.shot("reopened")
    s.window.commands.inline_tags.trigger()  # View ▸ Label names on spans
    s.top()
    s.shot("inline-tags")
    s.click("the lack of positive", inside=4)
    s.shot("claim-selected")
    s.click("Kathleen Brooks")
    s.shot("speaker-selected")
    s.close()


def fourth_session(s: Session) -> None:
    s.top()
    s.shot("reopened")
    s.click("the lack of positive", inside=4)
    s.shot("claim-selected")
    s.close()


def child(out: Path, workdir: Path, name: str, theme: str) -> int:
    session = Session(workdir, out, name, theme)
    if name.startswith("1"):
        first_session(session)
    elif name.startswith("2"):
        second_session(session, workdir)
    elif name.startswith("3"):
        third_session(session)
    else:
        fourth_session(session)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "shots" / "first_day"))
    parser.add_argument("--display", help="X display number for Xvfb (default: a free one)")
    parser.add_argument("--session", help=argparse.SUPPRESS)
    parser.add_argument("--theme", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    if args.session:
        return child(out, Path(args.workdir), args.session, args.theme)
    xvfb, display = start_xvfb(args.display)
    try:
        with tempfile.TemporaryDirectory() as workdir:
            for name, scale, theme in SESSIONS:
                print(f"session {name}")
                env = dict(os.environ, DISPLAY=display, QT_QPA_PLATFORM="xcb")
                env["QT_SCALE_FACTOR"] = scale
                env["ANNOTATOR_HOME"] = workdir
                env.pop("WAYLAND_DISPLAY", None)
                cmd = [sys.executable, __file__, str(out), "--session", name]
                cmd += ["--theme", theme, "--workdir", workdir]
                code = subprocess.run(cmd, env=env, check=False).returncode
                if code:
                    print(f"session {name} failed ({code})")
                    return code
    finally:
        xvfb.terminate()
        xvfb.wait()
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
