"""The layers below the UI must work without Qt (and so without a display)."""

from __future__ import annotations

import subprocess
import sys


def test_non_ui_packages_do_not_load_qt() -> None:
    code = (
        "import importlib, pkgutil, sys\n"
        "import annotator\n"
        "for pkg in ['core', 'storage', 'formats', 'services']:\n"
        "    mod = importlib.import_module('annotator.' + pkg)\n"
        "    for info in pkgutil.walk_packages(mod.__path__, mod.__name__ + '.'):\n"
        "        if '.migrations' not in info.name:\n"
        "            importlib.import_module(info.name)\n"
        "importlib.import_module('annotator.cli')\n"
        "loaded = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"PATH": ""}, timeout=120)
