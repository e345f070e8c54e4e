"""The collector pause used while loading documents restores the collector's state."""

from __future__ import annotations

import gc

import pytest

from annotator.core.gc_pause import gc_paused


def test_pause_restores_the_collector_even_on_error() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_pause_keeps_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_start_up_objects_are_frozen_only_once(monkeypatch) -> None:
    from annotator.core import gc_pause

    monkeypatch.setattr(gc_pause, "_frozen", False)
    frozen: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
    gc_pause.freeze_start_up()
    gc_pause.freeze_start_up()
    assert frozen == [1]  # a second document opened freezes nothing more
