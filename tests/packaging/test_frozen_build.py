"""Freeze the app with packaging/annotator.spec and prove the frozen build works.

Slow: freezing takes one to two minutes, so it happens only when asked for with
`pytest -m slow tests/packaging` (and PyInstaller is installed: `pip install -e '.[package]'`);
a plain `pytest` run skips it. ANNOTATOR_FROZEN_APP=dist/annotator (dist/Annotator.app on
macOS) checks an existing bundle instead of freezing a new one (what .ci/run does after
`make package`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SIZE_LIMIT = 200 * 1024 * 1024
# Qt parts a widgets app must not drag along (each is tens of megabytes or pulls others in).
UNWANTED = ("WebEngine", "Qt6Qml", "Qt6Quick", "Qt6Network", "Qt6Pdf", "Qt6Multimedia", "Qt63D")


@pytest.fixture(scope="module")
def bundle(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    prebuilt = os.environ.get("ANNOTATOR_FROZEN_APP")
    if prebuilt:
        return Path(prebuilt).resolve()
    selected = str(request.config.getoption("markexpr", ""))
    if "slow" not in selected or "not slow" in selected:
        pytest.skip("freezing takes minutes: run `pytest -m slow tests/packaging`")
    pytest.importorskip("PyInstaller", reason="install the package extra to freeze the app")
    work = tmp_path_factory.mktemp("freeze")
    icons = work / "icons"
    subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "make_icons.py"), str(icons)],
        check=True,
        timeout=300,
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            str(ROOT / "packaging" / "annotator.spec"),
        ],
        check=True,
        timeout=1800,
        env={**os.environ, "ANNOTATOR_ICON_DIR": str(icons)},
    )
    return work / "dist" / ("Annotator.app" if sys.platform == "darwin" else "annotator")


def executable(bundle: Path, console: bool = False) -> Path:
    """The app; on Windows `console` picks the console twin the command line needs."""
    if bundle.suffix == ".app":
        return bundle / "Contents" / "MacOS" / "Annotator"
    if sys.platform == "win32":
        return bundle / ("annotator-cli.exe" if console else "annotator.exe")
    return bundle / "annotator"


def run(
    bundle: Path, *args: str, home: Path, console: bool = False
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="", ANNOTATOR_HOME=str(home), ANNOTATOR_SEEDS="")
    return subprocess.run(
        [str(executable(bundle, console)), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        env=env,
        cwd=home,
    )


def test_frozen_app_passes_its_smoke_test(bundle: Path, tmp_path: Path) -> None:
    result = run(bundle, "--smoke-test", home=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "smoke-test: passed"
    # The seed articles came from the bundle, not from this source tree.
    seeds = [line for line in lines if "seed article" in line]
    assert len(seeds) == 1 and str(ROOT / "seeds") not in seeds[0], seeds
    if sys.platform.startswith("linux"):
        assert any("'offscreen' platform" in line for line in lines)
    assert not list(tmp_path.iterdir()), "the smoke test must not touch the user's data"


def test_frozen_command_line_works(bundle: Path, tmp_path: Path) -> None:
    article = tmp_path / "note.txt"
    article.write_text("Acme hired Zoë in 北京市 😀.", encoding="utf-8")
    project = tmp_path / "p.annotator"
    imported = run(
        bundle, "import", str(article), "--project", str(project), home=tmp_path, console=True
    )
    assert imported.returncode == 0, imported.stderr
    stats = run(bundle, "stats", "--json", "--project", str(project), home=tmp_path, console=True)
    assert stats.returncode == 0 and '"documents": 1' in stats.stdout


def test_bundle_is_lean(bundle: Path) -> None:
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink()]
    size = sum(p.stat().st_size for p in files)  # what `du` counts: symlinks are not copies
    assert size < SIZE_LIMIT, f"bundle is {size / 2**20:.0f} MiB"
    unwanted = [str(p) for p in files if any(part in p.name for part in UNWANTED)]
    assert not unwanted
