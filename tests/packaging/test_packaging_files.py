"""Fast checks of the packaging helpers: the frozen entry point, the icon files, the spec."""

from __future__ import annotations

import ast
import importlib.util
import struct
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", PACKAGING / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["team.annotator"], ["--project", "team.annotator"]),
        (["/home/a b/x.annotator"], ["--project", "/home/a b/x.annotator"]),
        ([], []),
        (["--smoke-test"], ["--smoke-test"]),
        (["stats"], ["stats"]),
        (["import", "x.annotator"], ["import", "x.annotator"]),
        (["notes.txt"], ["notes.txt"]),
    ],
)
def test_launcher_turns_a_lone_project_file_into_project_option(
    argv: list[str], expected: list[str]
) -> None:
    assert load("launcher")._arguments(argv) == expected


def test_ico_holds_every_size_as_png(qapp: object) -> None:
    icons = load("make_icons")
    pngs = {size: icons.render_png(icons.SVG, size) for size in (16, 32, 256)}
    data = icons.ico_bytes(pngs)
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind, count) == (0, 1, 3)
    for index, size in enumerate((16, 32, 256)):
        width, height, _, _, planes, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        assert (width, height) == ((size, size) if size < 256 else (0, 0))
        assert (planes, bits) == (1, 32)
        assert data[offset : offset + length] == pngs[size]
        assert pngs[size].startswith(b"\x89PNG")


def test_icns_entries_are_typed_pngs_of_the_right_size(qapp: object) -> None:
    icons = load("make_icons")
    sizes = {size for _, size in icons.ICNS_TYPES}
    pngs = {size: icons.render_png(icons.SVG, size) for size in sizes}
    data = icons.icns_bytes(pngs)
    assert data[:4] == b"icns" and struct.unpack_from(">I", data, 4)[0] == len(data)
    at, seen = 8, []
    while at < len(data):
        code, length = data[at : at + 4], struct.unpack_from(">I", data, at + 4)[0]
        png = data[at + 8 : at + length]
        width, height = struct.unpack_from(">II", png, 16)  # the PNG's IHDR
        seen.append((code, width))
        assert width == height
        at += length
    assert seen == [(code, size) for code, size in icons.ICNS_TYPES]


def test_make_icons_writes_the_installer_icons(qapp: object, tmp_path: Path) -> None:
    assert load("make_icons").main([str(tmp_path)]) == 0
    for size in (16, 48, 256, 512):
        assert (tmp_path / f"hicolor/{size}x{size}/apps/annotator.png").is_file()
    assert (tmp_path / "hicolor/scalable/apps/annotator.svg").is_file()
    assert (tmp_path / "annotator.ico").stat().st_size > 1000
    assert (tmp_path / "annotator.icns").read_bytes()[:4] == b"icns"


def test_spec_names_files_that_exist() -> None:
    source = (PACKAGING / "annotator.spec").read_text(encoding="utf-8")
    compile(source, "annotator.spec", "exec")
    for shipped in ("seeds", "annotator/storage/migrations", "resources/icons/annotator.svg"):
        assert (ROOT / shipped).exists()
    assert (ROOT / "annotator/storage/migrations/env.py").is_file()
    for installer in ("linux/build_deb.sh", "windows/annotator.iss", "macos/build_dmg.sh"):
        assert (PACKAGING / installer).is_file()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_shell_scripts_are_executable() -> None:
    for script in ("linux/build_deb.sh", "linux/annotator.sh", "macos/build_dmg.sh"):
        assert (PACKAGING / script).stat().st_mode & 0o111
    assert (PACKAGING / "macos/signing.sh").stat().st_mode & 0o111


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_app_imports_no_qt_module_the_bundle_leaves_out() -> None:
    excluded = set(load("bundle_config").QT_EXCLUDES)
    offenders = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in (ROOT / "annotator").rglob("*.py")
        for name in imported_modules(path) & excluded
    }
    assert not offenders, f"packaging/bundle_config.py excludes these: {sorted(offenders)}"


@pytest.mark.parametrize(
    ("entry", "kept"),
    [
        (("PySide6/Qt/plugins/platforms/libqxcb.so", "/v/libqxcb.so", "BINARY"), True),
        (("PySide6/Qt/plugins/platforms/libqeglfs.so", "/v/libqeglfs.so", "BINARY"), False),
        (("/v/plugins/platformthemes/libqgtk3.so", "PySide6/Qt/plugins/platformthemes"), False),
        (("PySide6\\plugins\\imageformats\\qpdf.dll", "C:\\v\\qpdf.dll", "BINARY"), False),
        (("PySide6\\opengl32sw.dll", "C:\\v\\opengl32sw.dll", "BINARY"), False),
        (("PySide6\\Qt6Widgets.dll", "C:\\v\\Qt6Widgets.dll", "BINARY"), True),
        (("PySide6/Qt/lib/QtQml.framework/QtQml", "/v/QtQml", "BINARY"), False),
        (("PySide6/Qt/lib/QtGui.framework/QtGui", "/v/QtGui", "BINARY"), True),
        (("PySide6/Qt/translations/qtbase_de.qm", "/v/qtbase_de.qm", "DATA"), True),
        (("PySide6/Qt/translations/qtdeclarative_de.qm", "/v/x.qm", "DATA"), False),
        (("seeds/article.txt", "/src/seeds/article.txt", "DATA"), True),
        (("babel/locale-data/de_CH.dat", "/v/babel/locale-data/de_CH.dat", "DATA"), False),
        (("babel/locale-data/en.dat", "/v/babel/locale-data/en.dat", "DATA"), True),
        (("babel/global.dat", "/v/babel/global.dat", "DATA"), True),
    ],
)
def test_bundle_filter(entry: tuple[str, ...], kept: bool) -> None:
    assert load("bundle_config").wanted(entry) is kept
