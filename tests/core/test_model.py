"""Target sentiments are indexed by the entity they are about."""

from __future__ import annotations

from annotator.core.model import DocumentAnnotations, TargetSentiment, TargetTable


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
