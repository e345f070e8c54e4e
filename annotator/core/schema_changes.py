"""What a label schema edit does to stored annotations: renames to apply, removals to refuse."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Set
from dataclasses import dataclass, field
from typing import Any

from annotator.core.schema import LabelSchema


@dataclass(frozen=True, slots=True)
class SchemaRenames:
    """Old name -> new name, per kind. `claim_choices` is keyed by the attribute's OLD name."""

    entity_labels: Mapping[str, str] = field(default_factory=dict)
    sentiment_labels: Mapping[str, str] = field(default_factory=dict)
    claim_attributes: Mapping[str, str] = field(default_factory=dict)
    claim_choices: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, renames: SchemaRenames | Mapping[str, str] | None) -> SchemaRenames:
        """`renames` as it is, or a plain mapping read as entity label renames."""
        if isinstance(renames, SchemaRenames):
            return renames
        return cls(entity_labels=dict(renames or {}))

    def __bool__(self) -> bool:
        return any(
            (
                _changed(self.entity_labels),
                _changed(self.sentiment_labels),
                _changed(self.claim_attributes),
                any(_changed(m) for m in self.claim_choices.values()),
            )
        )

    @property
    def renames_claims(self) -> bool:
        """True when stored claim attributes must be rewritten."""
        return _changed(self.claim_attributes) or any(
            _changed(m) for m in self.claim_choices.values()
        )

    def claim_attributes_renamed(self, attributes: Mapping[str, Any]) -> dict[str, Any]:
        """A claim's attributes with renamed attributes and choices (values of other types
        and names not renamed are kept as they are)."""
        out: dict[str, Any] = {}
        for key, value in attributes.items():
            choices = self.claim_choices.get(key, {})
            if isinstance(value, str):
                value = choices.get(value, value)
            out[self.claim_attributes.get(key, key)] = value
        return out


@dataclass(frozen=True, slots=True)
class SchemaUsage:
    """How many stored annotations use each name of a schema."""

    entity_labels: Mapping[str, int] = field(default_factory=dict)
    sentiment_labels: Mapping[str, int] = field(default_factory=dict)  # document + target
    claim_attributes: Mapping[str, int] = field(default_factory=dict)  # claims with a value
    claim_choices: Mapping[str, Mapping[str, int]] = field(default_factory=dict)

    @classmethod
    def counting(
        cls,
        entity_labels: Mapping[str, int],
        sentiment_labels: Mapping[str, int],
        claim_attributes: Iterable[Mapping[str, Any] | None],
    ) -> SchemaUsage:
        """Usage from label counts and every stored claim's attributes."""
        attributes: Counter[str] = Counter()
        choices: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for attrs in claim_attributes:
            for key, value in (attrs or {}).items():
                attributes[key] += 1
                if isinstance(value, str):
                    choices[key][value] += 1
        return cls(
            dict(entity_labels),
            dict(sentiment_labels),
            dict(attributes),
            {k: dict(v) for k, v in choices.items()},
        )


def _changed(renames: Mapping[str, str]) -> bool:
    return any(old != new for old, new in renames.items())


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _dropped_in_use(
    names: Iterable[str], used: Mapping[str, int], renames: Mapping[str, str], kept: Set[str]
) -> Iterator[tuple[str, int]]:
    """(name, uses) for each name annotations use that is not in `kept` after `renames`."""
    for name in names:
        n = used.get(name, 0)
        if n and renames.get(name, name) not in kept:
            yield name, n


def removals_in_use(
    old: LabelSchema, new: LabelSchema, renames: SchemaRenames, usage: SchemaUsage
) -> list[str]:
    """One message for each name of `old` that `new` drops (after `renames`) while stored
    annotations still use it; empty when the edit loses nothing."""
    problems = [
        f"entity label {name!r} is used by {_plural(n, 'span')}; "
        "rename it instead, or delete those spans first"
        for name, n in _dropped_in_use(
            (label.name for label in old.entity_labels),
            usage.entity_labels,
            renames.entity_labels,
            set(new.entity_label_names),
        )
    ]
    problems += [
        f"sentiment label {name!r} is used by {_plural(n, 'sentiment')} "
        "(document or entity); rename it instead, or clear those sentiments first"
        for name, n in _dropped_in_use(
            (s.name for s in old.sentiment_labels),
            usage.sentiment_labels,
            renames.sentiment_labels,
            set(new.sentiment_names),
        )
    ]
    for attr in old.claim_attributes:
        kept = new.attribute(renames.claim_attributes.get(attr.name, attr.name))
        if kept is None:
            n = usage.claim_attributes.get(attr.name, 0)
            if n:
                problems.append(
                    f"claim attribute {attr.name!r} has a value in {_plural(n, 'claim')}; "
                    "rename it instead, or delete those claims first"
                )
            continue
        problems += [
            f"choice {choice!r} of claim attribute {attr.name!r} is used by "
            f"{_plural(n, 'claim')}; rename it instead, or change those claims first"
            for choice, n in _dropped_in_use(
                attr.choices,
                usage.claim_choices.get(attr.name, {}),
                renames.claim_choices.get(attr.name, {}),
                set(kept.choices),
            )
        ]
    return problems


def names_dropped(old: LabelSchema, new: LabelSchema, renames: SchemaRenames) -> bool:
    """True when an edit renames or removes any name (stored edits of the old names, such
    as undo steps, then no longer fit the schema)."""
    if renames:
        return True
    before = _names(old)
    return not before <= _names(new)


def _names(schema: LabelSchema) -> set[tuple[str, ...]]:
    names: set[tuple[str, ...]] = {("entity", n) for n in schema.entity_label_names}
    names |= {("sentiment", n) for n in schema.sentiment_names}
    for attr in schema.claim_attributes:
        names.add(("attribute", attr.name))
        names |= {("choice", attr.name, c) for c in attr.choices}
    return names
