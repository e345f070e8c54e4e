"""Shared fixtures: temporary projects, with no dependence on the user's data folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.services.project import Project, open_project

SEED = Path(__file__).resolve().parents[1] / "seeds" / "us-china-trade-talks-london.txt"

# Text that trips up offset handling: astral emoji, a ZWJ family, a flag (two regional
# indicators), CJK, a combining accent, right-to-left script.
TRICKY = (
    "Emoji 😀 then ORG Acme. Family 👨‍👩‍👧 met 🇬🇧 officials in 北京市 on "
    "Tuesday; café (cafe\u0301) and مرحبا بالعالم said Zoë."
)


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("ANNOTATOR_HOME", str(home))
    monkeypatch.setenv("ANNOTATOR_USER", "tester")


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with open_project(tmp_path / "test.annotator") as opened:
        yield opened
