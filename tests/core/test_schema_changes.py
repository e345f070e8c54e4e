from __future__ import annotations

from dataclasses import replace

import pytest

from annotator.core.schema import (
    ClaimAttribute,
    EntityLabel,
    LabelSchema,
    SchemaError,
    SentimentLabel,
    default_schema,
)
from annotator.core.schema_changes import (
    SchemaRenames,
    SchemaUsage,
    names_dropped,
    removals_in_use,
)


def test_claim_attributes_follow_attribute_and_choice_renames() -> None:
    renames = SchemaRenames(
        claim_attributes={"type": "kind"},
        claim_choices={
            "type": {"statement": "assertion"},
            "stance": {"critical": "neutral", "neutral": "critical"},
        },
    )
    before = {"type": "statement", "stance": "critical", "attribution": "direct", "n": 3}
    assert renames.claim_attributes_renamed(before) == {
        "kind": "assertion",
        "stance": "neutral",  # swapped, not merged
        "attribution": "direct",
        "n": 3,
    }
    assert renames.renames_claims and renames


def test_a_plain_mapping_is_read_as_entity_renames_and_identities_are_no_change() -> None:
    assert SchemaRenames.of({"PERSON": "PER"}).entity_labels == {"PERSON": "PER"}
    assert not SchemaRenames.of(None)
    assert not SchemaRenames(sentiment_labels={"mixed": "mixed"})
    assert not SchemaRenames(claim_choices={"type": {"opinion": "opinion"}}).renames_claims


def test_usage_counts_claims_per_attribute_and_choice() -> None:
    usage = SchemaUsage.counting(
        {"PERSON": 2}, {"mixed": 1}, [{"type": "opinion"}, {"type": "opinion", "x": 1}, None]
    )
    assert usage.claim_attributes == {"type": 2, "x": 1}
    assert usage.claim_choices == {"type": {"opinion": 2}}


def test_removing_names_in_use_is_reported_with_counts_and_renames_are_not_removals() -> None:
    old = default_schema()
    usage = SchemaUsage(
        entity_labels={"LAW": 3},
        sentiment_labels={"mixed": 1, "neutral": 4},
        claim_attributes={"stance": 2, "type": 5},
        claim_choices={"type": {"opinion": 1, "promise": 2}, "stance": {"neutral": 2}},
    )
    new = replace(
        old,
        entity_labels=tuple(lab for lab in old.entity_labels if lab.name != "LAW"),
        sentiment_labels=old.sentiment_labels[:3],  # drops "mixed"
        claim_attributes=(
            ClaimAttribute("type", ("statement", "prediction", "view"), "statement"),
            old.claim_attributes[1],
        ),
    )
    renames = SchemaRenames(claim_choices={"type": {"opinion": "view"}})
    problems = removals_in_use(old, new, renames, usage)
    assert problems == [
        "entity label 'LAW' is used by 3 spans; rename it instead, or delete those spans first",
        "sentiment label 'mixed' is used by 1 sentiment (document or entity); "
        "rename it instead, or clear those sentiments first",
        "choice 'promise' of claim attribute 'type' is used by 2 claims; "
        "rename it instead, or change those claims first",
        "claim attribute 'stance' has a value in 2 claims; "
        "rename it instead, or delete those claims first",
    ]
    unused = SchemaUsage()
    assert removals_in_use(old, new, renames, unused) == []
    assert names_dropped(old, new, SchemaRenames())
    assert not names_dropped(old, old, SchemaRenames())
    assert names_dropped(old, old, SchemaRenames(entity_labels={"LAW": "TREATY"}))


def test_sentiment_labels_and_claim_attributes_are_validated() -> None:
    schema = default_schema()
    with pytest.raises(SchemaError, match="duplicate sentiment label 'neutral'"):
        replace(
            schema,
            sentiment_labels=(*schema.sentiment_labels, SentimentLabel("neutral", "#000000")),
        )
    with pytest.raises(SchemaError, match="duplicate sentiment hotkey 'P'"):
        replace(
            schema, sentiment_labels=(*schema.sentiment_labels, SentimentLabel("x", "#000000", "p"))
        )
    with pytest.raises(SchemaError, match="colour 'green'"):
        replace(schema, sentiment_labels=(SentimentLabel("good", "green"),))
    with pytest.raises(SchemaError, match="must be one letter or digit"):
        replace(schema, sentiment_labels=(SentimentLabel("good", "#00FF00", "+"),))
    with pytest.raises(SchemaError, match="claim attribute name ''"):
        replace(schema, claim_attributes=(ClaimAttribute("", ("a",)),))
    with pytest.raises(SchemaError, match="a choice of 'tone'"):
        replace(schema, claim_attributes=(ClaimAttribute("tone", ("a", " ")),))
    with pytest.raises(SchemaError, match="duplicate choice of 'tone'"):
        replace(schema, claim_attributes=(ClaimAttribute("tone", ("a", "a")),))
    with pytest.raises(SchemaError, match="default 'b' is not a choice of 'tone'"):
        replace(schema, claim_attributes=(ClaimAttribute("tone", ("a",), "b"),))
    with pytest.raises(SchemaError, match="duplicate claim attribute 'tone'"):
        replace(schema, claim_attributes=(ClaimAttribute("tone", ("a",)),) * 2)


def test_sentiment_hotkeys_apart_from_label_and_claim_hotkeys_when_edited() -> None:
    schema = default_schema()
    schema.validate_hotkeys_apart()
    clash = replace(schema, entity_labels=(EntityLabel("NORP", "#FFB74D", "N"),))
    clashing = r"'N' of sentiment label 'negative'.*entity label 'NORP'"
    with pytest.raises(SchemaError, match=clashing):
        clash.validate_hotkeys_apart()
    assert LabelSchema.from_dict(clash.to_dict()) == clash  # a stored schema still loads
    claim = replace(schema, claim_hotkey="M")
    with pytest.raises(SchemaError, match=r"'M' of sentiment label 'mixed'.*claims"):
        claim.validate_hotkeys_apart()
