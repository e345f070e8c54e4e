"""The label schema of a project: entity labels, claim attributes, sentiment scale."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_NAME = re.compile(r"^[^\s\x00-\x1f]([^\x00-\x1f]*[^\s\x00-\x1f])?$")


class SchemaError(ValueError):
    """A label schema that cannot be used (duplicate names or hotkeys, bad colours)."""


@dataclass(frozen=True, slots=True)
class EntityLabel:
    name: str
    color: str
    hotkey: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class ClaimAttribute:
    name: str
    choices: tuple[str, ...]
    default: str | None = None


@dataclass(frozen=True, slots=True)
class SentimentLabel:
    name: str
    color: str
    hotkey: str = ""


@dataclass(frozen=True, slots=True)
class LabelSchema:
    entity_labels: tuple[EntityLabel, ...]
    claim_attributes: tuple[ClaimAttribute, ...]
    sentiment_labels: tuple[SentimentLabel, ...]
    claim_hotkey: str = "C"
    claim_color: str = "#7E57C2"
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.validate()

    # -- queries ---------------------------------------------------------------
    def entity_label(self, name: str) -> EntityLabel | None:
        for label in self.entity_labels:
            if label.name == name:
                return label
        return None

    def color_of(self, name: str) -> str:
        label = self.entity_label(name)
        return label.color if label else "#9E9E9E"

    @property
    def entity_label_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.entity_labels)

    @property
    def sentiment_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sentiment_labels)

    def attribute(self, name: str) -> ClaimAttribute | None:
        for attr in self.claim_attributes:
            if attr.name == name:
                return attr
        return None

    # -- edits (return new schemas) ------------------------------------------
    def with_entity_labels(self, labels: Iterable[EntityLabel]) -> LabelSchema:
        return replace(self, entity_labels=tuple(labels))

    def with_label_renamed(self, old: str, new: str) -> LabelSchema:
        if self.entity_label(old) is None:
            raise SchemaError(f"no entity label named {old!r}")
        return self.with_entity_labels(
            replace(lab, name=new) if lab.name == old else lab for lab in self.entity_labels
        )

    # -- checks ----------------------------------------------------------------
    def validate(self) -> None:
        _unique("entity label", [lab.name for lab in self.entity_labels])
        _unique("sentiment label", [s.name for s in self.sentiment_labels])
        _unique("claim attribute", [a.name for a in self.claim_attributes])
        for name in [lab.name for lab in self.entity_labels] + [
            s.name for s in self.sentiment_labels
        ]:
            if not _NAME.match(name):
                raise SchemaError(f"label name {name!r} is empty or has control characters")
        colours = [lab.color for lab in self.entity_labels] + [self.claim_color]
        for colour in colours + [s.color for s in self.sentiment_labels]:
            if not _COLOUR.match(colour):
                raise SchemaError(f"colour {colour!r} is not of the form #RRGGBB")
        keys = [lab.hotkey.upper() for lab in self.entity_labels if lab.hotkey]
        if self.claim_hotkey:
            keys.append(self.claim_hotkey.upper())
        _unique("hotkey", keys)
        sentiment_keys = [s.hotkey.upper() for s in self.sentiment_labels if s.hotkey]
        _unique("sentiment hotkey", sentiment_keys)
        for key in keys + sentiment_keys:
            if len(key) != 1 or not key.isalnum():
                raise SchemaError(f"hotkey {key!r} must be one letter or digit")
        for attr in self.claim_attributes:
            if not _NAME.match(attr.name):
                raise SchemaError(
                    f"claim attribute name {attr.name!r} is empty or has control characters"
                )
            if not attr.choices:
                raise SchemaError(f"claim attribute {attr.name!r} has no choices")
            for choice in attr.choices:
                if not _NAME.match(choice):
                    raise SchemaError(
                        f"a choice of {attr.name!r} ({choice!r}) is empty or has control characters"
                    )
            _unique(f"choice of {attr.name!r}", list(attr.choices))
            if attr.default is not None and attr.default not in attr.choices:
                raise SchemaError(f"default {attr.default!r} is not a choice of {attr.name!r}")

    def validate_hotkeys_apart(self) -> None:
        """Stricter than `validate` (which stored schemas must pass): each sentiment hotkey
        differs from every entity label hotkey and the claim hotkey, so that one letter means
        one thing to the analyst (sentiments are typed with Alt, labels without).
        Checked when a schema is edited, not when a stored one is read."""
        taken = {lab.hotkey.upper(): f"entity label {lab.name!r}" for lab in self.entity_labels}
        if self.claim_hotkey:
            taken[self.claim_hotkey.upper()] = "claims"
        for s in self.sentiment_labels:
            owner = taken.get(s.hotkey.upper()) if s.hotkey else None
            if owner is not None:
                raise SchemaError(
                    f"hotkey {s.hotkey.upper()!r} of sentiment label {s.name!r} "
                    f"is already the hotkey of {owner}"
                )

    # -- serialisation ---------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_labels": [
                {
                    "name": lab.name,
                    "color": lab.color,
                    "hotkey": lab.hotkey,
                    "description": lab.description,
                }
                for lab in self.entity_labels
            ],
            "claim_attributes": [
                {"name": a.name, "choices": list(a.choices), "default": a.default}
                for a in self.claim_attributes
            ],
            "sentiment_labels": [
                {"name": s.name, "color": s.color, "hotkey": s.hotkey}
                for s in self.sentiment_labels
            ],
            "claim_hotkey": self.claim_hotkey,
            "claim_color": self.claim_color,
            **({"extra": dict(self.extra)} if self.extra else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LabelSchema:
        try:
            return cls(
                entity_labels=tuple(
                    EntityLabel(
                        str(d["name"]),
                        str(d.get("color", "#9E9E9E")),
                        str(d.get("hotkey") or ""),
                        str(d.get("description") or ""),
                    )
                    for d in data.get("entity_labels", [])
                ),
                claim_attributes=tuple(
                    ClaimAttribute(
                        str(d["name"]), tuple(str(c) for c in d["choices"]), d.get("default")
                    )
                    for d in data.get("claim_attributes", [])
                ),
                sentiment_labels=tuple(
                    SentimentLabel(
                        str(d["name"]), str(d.get("color", "#9E9E9E")), str(d.get("hotkey") or "")
                    )
                    for d in data.get("sentiment_labels", [])
                ),
                claim_hotkey=str(data.get("claim_hotkey", "C") or ""),
                claim_color=str(data.get("claim_color", "#7E57C2")),
                extra=dict(data.get("extra", {})),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise SchemaError(f"malformed label schema: {exc!r}") from None


def _unique(what: str, names: Sequence[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise SchemaError(f"duplicate {what} {name!r}")
        seen.add(name)


def default_schema() -> LabelSchema:
    """A schema for news analysis (OntoNotes-style entity types plus claims and sentiment)."""
    labels = [
        ("PERSON", "#CC4488", "1", "People, including fictional"),
        ("ORG", "#1199FF", "2", "Companies, agencies, institutions"),
        ("GPE", "#119944", "3", "Countries, cities, states"),
        ("LOC", "#44DDAA", "4", "Non-GPE locations, mountain ranges, bodies of water"),
        ("NORP", "#EEBB44", "5", "Nationalities, religious or political groups"),
        ("DATE", "#8866CC", "6", "Absolute or relative dates or periods"),
        ("MONEY", "#668811", "7", "Monetary values"),
        ("PERCENT", "#DD99EE", "8", "Percentages"),
        ("PRODUCT", "#AACCCC", "9", "Products and commodities"),
        ("COMMODITY", "#887766", "0", "Raw materials and traded goods"),
        ("EVENT", "#99AA77", "E", "Named events: summits, wars, talks"),
        ("LAW", "#6688BB", "L", "Named laws, treaties, agreements"),
    ]
    return LabelSchema(
        entity_labels=tuple(EntityLabel(n, c, k, d) for n, c, k, d in labels),
        claim_attributes=(
            ClaimAttribute("type", ("statement", "prediction", "opinion", "promise"), "statement"),
            ClaimAttribute("attribution", ("direct", "indirect"), "direct"),
            ClaimAttribute("stance", ("supportive", "neutral", "critical"), "neutral"),
        ),
        sentiment_labels=(
            SentimentLabel("negative", "#E53935", "N"),
            SentimentLabel("neutral", "#9E9E9E", "U"),
            SentimentLabel("positive", "#43A047", "P"),
            SentimentLabel("mixed", "#FB8C00", "M"),
        ),
    )
