"""The Qt half of `annotator --smoke-test` and the command that runs both halves."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import qWarning
from pytestqt.qtbot import QtBot

from annotator.app import needs_offscreen, run_smoke_test
from annotator.cli import main
from annotator.services.smoke import SMOKE_ANNOTATOR
from annotator.services.smoke import run_smoke_test as round_trip
from annotator.ui import smoke_check
from annotator.ui.app_icon import app_icon, icons_dir
from annotator.ui.smoke_check import WindowCheckFailed, check_main_window

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def test_the_icon_is_found_and_renders(qapp: object) -> None:
    assert icons_dir() == Path(__file__).resolve().parents[2] / "resources" / "icons"
    pixmap = app_icon().pixmap(48, 48)
    assert not pixmap.isNull() and pixmap.width() == 48


def test_main_window_is_shown_and_painted(qtbot: QtBot, tmp_path: Path) -> None:
    report = round_trip(tmp_path, SEEDS)
    summary = check_main_window(report.project, SMOKE_ANNOTATOR)
    assert "smoke — Annotator'" in summary and "'offscreen' platform" in summary


def test_a_window_that_never_appears_fails(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = round_trip(tmp_path, SEEDS)
    monkeypatch.setattr(smoke_check, "EXPOSE_TIMEOUT", 0.0)
    monkeypatch.setattr(smoke_check.MainWindow, "show", lambda self: None)
    with pytest.raises(WindowCheckFailed, match="not shown"):
        check_main_window(report.project, SMOKE_ANNOTATOR)


def test_smoke_test_command_passes(qapp: object, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--smoke-test"]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[-1] == "smoke-test: passed" and err == ""
    assert any("export verified" in line for line in lines)
    assert any("main window" in line for line in lines)
    home = Path(os.environ["ANNOTATOR_HOME"])
    assert not home.exists() or not any(home.iterdir()), "the smoke test wrote the user's data"


def test_smoke_test_failure_exits_1_with_the_reason(
    qapp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANNOTATOR_SEEDS", "/nonexistent/seeds")
    monkeypatch.setattr("annotator.services.smoke.seeds_dir", lambda: None)
    out, err = io.StringIO(), io.StringIO()
    assert run_smoke_test(out, err) == 1
    assert (
        err.getvalue() == "smoke-test: FAILED: seed articles not found "
        "(the build did not ship seeds/)\n"
    )


def test_smoke_test_survives_a_windowed_build_without_stdout(
    qapp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdout", None)
    monkeypatch.setattr("sys.stderr", None)
    assert run_smoke_test() == 0


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({}, "linux", True),
        ({"DISPLAY": ":0"}, "linux", False),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", False),
        ({"QT_QPA_PLATFORM": ""}, "freebsd14", True),
        ({}, "win32", False),
        ({}, "darwin", False),
    ],
)
def test_offscreen_only_without_a_display(
    environ: dict[str, str], platform: str, expected: bool
) -> None:
    assert needs_offscreen(environ, platform) is expected


@pytest.mark.qt_log_level_fail("CRITICAL")
def test_only_the_offscreen_noise_is_silenced(qtlog: Any) -> None:
    with smoke_check._without_noise():
        qWarning(smoke_check.OFFSCREEN_NOISE)
        qWarning("a real problem")
    qWarning(smoke_check.OFFSCREEN_NOISE)
    assert [record.message for record in qtlog.records] == [
        "a real problem",
        smoke_check.OFFSCREEN_NOISE,
    ]


def test_an_unexpected_error_is_a_failed_check_not_a_crash(
    qapp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("annotator.services.smoke.run_smoke_test", broken)
    out, err = io.StringIO(), io.StringIO()
    assert run_smoke_test(out, err) == 1
    assert err.getvalue().startswith("smoke-test: FAILED with an unexpected error:\n")
    assert "OSError: [Errno 28] No space left on device" in err.getvalue()
    assert "passed" not in out.getvalue()
