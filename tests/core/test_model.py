"""Target sentiments are indexed by the entity they are about."""

from __future__ import annotations

import pytest

from annotator.core.model import DocumentAnnotations, EntitySpan, TargetSentiment, TargetTable


def test_targets_are_found_by_entity_after_every_kind_of_change() -> None:
    ann = DocumentAnnotations.of(targets=[TargetSentiment("t1", "e1", "positive", "ann")])
    assert isinstance(ann.targets, TargetTable)
    assert ann.target_for("e1") == TargetSentiment("t1", "e1", "positive", "ann")
    ann.targets["t2"] = TargetSentiment("t2", "e1", "negative", "bob")
    assert [t.id for t in ann.targets.for_entity("e1")] == ["t1", "t2"]
    ann.targets["t1"] = TargetSentiment("t1", "e2", "neutral", "ann")  # moved to e2
    assert ann.target_for("e1").id == "t2" and ann.target_for("e2").id == "t1"
    del ann.targets["t2"]
    assert ann.target_for("e1") is None
    assert ann.targets.pop("t1").id == "t1" and ann.targets.pop("nope", None) is None
    assert ann.target_for("e2") is None and dict(ann.targets) == {}
    ann.targets.update({"t3": TargetSentiment("t3", "e3", "positive")})
    ann.targets.clear()
    assert ann.target_for("e3") is None


def test_a_plain_dict_given_to_the_constructor_is_indexed() -> None:
    ann = DocumentAnnotations(targets={"t": TargetSentiment("t", "e", "positive")})
    assert ann.target_for("e") is not None and ann.target_for("x") is None


def test_entity_span_factory_makes_the_same_span() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from annotator.core.model import entity_span

    @given(st.text(), st.integers(), st.integers(), st.text(), st.text())
    def same(i: str, s: int, e: int, label: str, who: str) -> None:
        made, built = entity_span(i, s, e, label, who), EntitySpan(i, s, e, label, who)
        assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
        assert type(made) is EntitySpan
        with pytest.raises(AttributeError):
            made.start = 3  # type: ignore[misc]

    same()
    assert entity_span("a", 1, 2, "L") == EntitySpan("a", 1, 2, "L", "")


def test_slot_setters_refuse_a_changed_field_list() -> None:
    from annotator.core.model import _slot_setters

    with pytest.raises(TypeError):
        _slot_setters(EntitySpan, ("id", "start", "end", "label"))
