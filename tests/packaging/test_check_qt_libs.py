"""`make run` names the missing Qt system libraries with the line that installs them."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "check_qt_libs", ROOT / "scripts/check_qt_libs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_missing_library_is_named_with_the_install_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    check = _script()
    everything = set(check.LIBRARIES) - {"libxcb-cursor.so.0"}
    monkeypatch.setattr(check, "known_libraries", lambda: everything)
    monkeypatch.setattr(check.sys, "platform", "linux")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    assert check.main() == 1
    err = capsys.readouterr().err
    assert "libxcb-cursor0" in err
    assert "apt-get install" in err and "dnf install" in err and "pacman -S" in err


def test_nothing_missing_or_headless_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    check = _script()
    monkeypatch.setattr(check.sys, "platform", "linux")
    monkeypatch.setattr(check, "known_libraries", lambda: set(check.LIBRARIES))
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    assert check.main() == 0
    monkeypatch.setattr(check, "known_libraries", lambda: set())
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert check.main() == 0


def test_readme_and_ci_install_the_same_libraries() -> None:
    check = _script()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert check.DEBIAN in readme and check.FEDORA in readme and check.ARCH in readme
    ci = (ROOT / ".ci/run").read_text(encoding="utf-8")
    ci_packages = set(re.findall(r"lib[\w.+-]+", ci))
    assert set(check.LIBRARIES.values()) <= ci_packages
