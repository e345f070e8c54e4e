#!/usr/bin/env python3
"""Screenshots of the review windows (Adjudicate, Who said what, Statistics, Agreement).

Opens the app on a team project merged from three small analysts' projects (the review
tests' corpus), opens each Review window through its menu action, settles one disagreement
with a key press and saves a PNG of each window. Needs a running X display (e.g. Xvfb at
3200x2000 for QT_SCALE_FACTOR=2) and ImageMagick's `import`.

    DISPLAY=:N python scripts/screenshot_review.py [--out-dir shots] [--theme light|dark]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=ROOT / "shots")
    parser.add_argument("--theme", default="light", choices=["light", "dark"])
    parser.add_argument("--suffix", default="", help="appended to each file name")
    args = parser.parse_args()
    os.environ.setdefault("ANNOTATOR_HOME", tempfile.mkdtemp())

    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    from annotator.services.merge import merge_projects
    from annotator.services.project import open_project
    from annotator.ui.main_window import MainWindow
    from annotator.ui.settings import AppSettings
    from annotator.ui.theme import apply_theme
    from tests.services.review_corpus import ENTITIES, analyst_project

    tmp = Path(tempfile.mkdtemp())
    sources = [analyst_project(tmp / f"{who}.annotator", who) for who in ENTITIES]
    merge_projects(sources, tmp / "team.annotator")
    app = QApplication(sys.argv[:1])
    apply_theme(app, args.theme)
    project = open_project(tmp / "team.annotator", "rita")
    settings = AppSettings(QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(project, settings)
    window.resize(1400, 850)
    window.show()
    args.out_dir.mkdir(parents=True, exist_ok=True)

    def pump(seconds: float = 1.0) -> None:
        end = time.time() + seconds
        while time.time() < end:
            app.processEvents()
            time.sleep(0.02)

    def shot(name: str, widget: QWidget) -> None:
        widget.resize(1400, 850)
        widget.move(10, 10)
        widget.show()
        widget.raise_()
        widget.activateWindow()
        pump(1.5)
        out = args.out_dir / f"review_{name}{args.suffix}.png"
        subprocess.run(["import", "-window", str(int(widget.winId())), str(out)], check=True)
        print(out)

    pump(1.5)
    review = window.workbench.review
    review.actions["adjudicate"].trigger()
    view = review.windows["adjudicate"]
    pump(2)
    view.activateWindow()
    view.article.setFocus()
    pump(0.5)
    QTest.keyClick(view.article, Qt.Key.Key_1)  # settle the first disagreement: 1 of 2
    shot("adjudication", view)
    view.close()
    for key, name in (
        ("who", "who_said_what"),
        ("statistics", "statistics"),
        ("agreement", "agreement"),
    ):
        review.actions[key].trigger()
        widget = review.windows[key]
        pump(2)
        if key == "who":
            widget.speakers.setCurrentRow(0)
            pump(1.5)
        shot(name, widget)
        widget.close()
        pump(0.3)
    window.close()
    project.close()


if __name__ == "__main__":
    main()
