"""PySide6 6.12.0 on CPython 3.11 crashed (none_dealloc) after ~5,300 void calls.

Runs 100,000 such calls in a subprocess so a crash fails this test instead of the suite.
"""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
from PySide6.QtCore import QObject
obj = QObject()
for i in range(100_000):
    obj.setObjectName("n")
    obj.blockSignals(False)
print("ok")
"""


def test_many_void_calls_do_not_crash() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"
