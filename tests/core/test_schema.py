from __future__ import annotations

import pytest

from annotator.core.schema import EntityLabel, LabelSchema, SchemaError, default_schema


def test_default_schema_has_news_labels_and_round_trips() -> None:
    schema = default_schema()
    for name in ["PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "MONEY", "PERCENT", "EVENT", "LAW"]:
        assert schema.entity_label(name) is not None
    assert LabelSchema.from_dict(schema.to_dict()) == schema
    assert {a.name for a in schema.claim_attributes} == {"type", "attribution", "stance"}


def test_duplicate_names_and_hotkeys_are_refused() -> None:
    schema = default_schema()
    with pytest.raises(SchemaError, match="duplicate entity label"):
        schema.with_entity_labels([*schema.entity_labels, EntityLabel("ORG", "#000000")])
    with pytest.raises(SchemaError, match="duplicate hotkey"):
        schema.with_entity_labels([*schema.entity_labels, EntityLabel("NEW", "#000000", "1")])
    with pytest.raises(SchemaError, match="hotkey"):
        schema.with_entity_labels([EntityLabel("X", "#000000", "C")])  # the claim hotkey
    with pytest.raises(SchemaError, match="colour"):
        schema.with_entity_labels([EntityLabel("X", "red")])
    with pytest.raises(SchemaError, match="control"):
        schema.with_entity_labels([EntityLabel(" ", "#000000")])


def test_rename_keeps_colour_and_hotkey() -> None:
    renamed = default_schema().with_label_renamed("ORG", "ORGANISATION")
    label = renamed.entity_label("ORGANISATION")
    assert label is not None and label.hotkey == "2" and renamed.entity_label("ORG") is None
    with pytest.raises(SchemaError):
        renamed.with_label_renamed("ORG", "X")


def test_malformed_dict_is_a_schema_error() -> None:
    with pytest.raises(SchemaError):
        LabelSchema.from_dict({"entity_labels": [{"colour": "#fff"}]})
