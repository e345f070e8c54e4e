"""Gazetteers: terms and regular expressions per entity label, matched in a text.

Terms match whole words (a term that starts or ends with a letter or digit must not
continue a word there), case-sensitively unless the entry ignores case. Many terms are
matched in one pass with an Aho-Corasick automaton (pyahocorasick), or, without it, with
one factored regular expression. Within one label the leftmost-longest matches win.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.core.word_trie import trie_pattern

try:  # optional at run time: the regex fallback gives the same matches, slower
    import ahocorasick  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - exercised by forcing the fallback in tests
    ahocorasick = None


class GazetteerError(ValueError):
    """A gazetteer entry that cannot be used (an invalid regular expression, no label)."""


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """The terms and patterns that propose one entity label."""

    label: str
    terms: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    ignore_case: bool = False

    def validate(self) -> None:
        if not self.label.strip():
            raise GazetteerError("a gazetteer entry needs a label")
        for n, pattern in enumerate(self.patterns, 1):
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise GazetteerError(f"{self.label}: pattern {n} {pattern!r}: {exc}") from None
            if compiled.match(""):
                raise GazetteerError(f"{self.label}: pattern {n} {pattern!r} matches nothing")


@dataclass(frozen=True, slots=True)
class Gazetteer:
    entries: tuple[GazetteerEntry, ...] = ()

    def validate(self) -> None:
        for entry in self.entries:
            entry.validate()

    @property
    def size(self) -> int:
        return sum(len(e.terms) + len(e.patterns) for e in self.entries)

    def entry(self, label: str) -> GazetteerEntry | None:
        return next((e for e in self.entries if e.label == label), None)

    def with_entry(self, entry: GazetteerEntry) -> Gazetteer:
        """This gazetteer with `entry` replacing the one of its label (or added)."""
        others = tuple(e for e in self.entries if e.label != entry.label)
        return Gazetteer((*others, entry))

    def merged(self, other: Gazetteer) -> Gazetteer:
        """Terms and patterns of both, per label, without repeats."""
        result = self
        for entry in other.entries:
            mine = result.entry(entry.label) or GazetteerEntry(entry.label)
            result = result.with_entry(
                GazetteerEntry(
                    entry.label,
                    tuple(dict.fromkeys((*mine.terms, *entry.terms))),
                    tuple(dict.fromkeys((*mine.patterns, *entry.patterns))),
                    mine.ignore_case or entry.ignore_case,
                )
            )
        return result

    def to_dict(self) -> dict[str, Any]:
        return {
            "entries": [
                {
                    "label": e.label,
                    "terms": list(e.terms),
                    "patterns": list(e.patterns),
                    "ignore_case": e.ignore_case,
                }
                for e in self.entries
            ]
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Gazetteer:
        if not data:
            return cls()
        entries = []
        for raw in data.get("entries", []):
            entries.append(
                GazetteerEntry(
                    str(raw["label"]),
                    tuple(str(t) for t in raw.get("terms", [])),
                    tuple(str(p) for p in raw.get("patterns", [])),
                    bool(raw.get("ignore_case", False)),
                )
            )
        return cls(tuple(entries))


Match = tuple[int, int, str, bool]  # start, end, label, from a pattern


class _TermIndex:
    """Terms (already lower-cased for an ignore-case index) -> their labels."""

    def __init__(self, terms: Mapping[str, tuple[str, ...]], use_automaton: bool) -> None:
        self.terms = dict(terms)
        self.automaton: Any = None
        self.regex: re.Pattern[str] | None = None
        if not self.terms:
            return
        if use_automaton and ahocorasick is not None:
            automaton = ahocorasick.Automaton()
            for term, labels in self.terms.items():
                automaton.add_word(term, (len(term), labels))
            automaton.make_automaton()
            self.automaton = automaton
        else:
            self.regex = re.compile(f"(?=({trie_pattern(self.terms)}))")

    def find(self, text: str) -> Iterable[tuple[int, int, tuple[str, ...]]]:
        if self.automaton is not None:
            for last, (length, labels) in self.automaton.iter(text):
                yield last + 1 - length, last + 1, labels
        elif self.regex is not None:
            for m in self.regex.finditer(text):  # the longest term at each position
                start, end = m.span(1)
                yield start, end, self.terms[m.group(1)]
                # shorter terms starting at the same place
                for cut in range(end - 1, start, -1):
                    labels = self.terms.get(text[start:cut])
                    if labels is not None:
                        yield start, cut, labels


def _word_edge(text: str, start: int, end: int) -> bool:
    """Whether [start, end) does not cut a word at a letter/digit edge of the match."""
    if start > 0 and text[start].isalnum() and text[start - 1].isalnum():
        return False
    return not (end < len(text) and text[end - 1].isalnum() and text[end].isalnum())


def _lowered(text: str) -> str:
    """Lower case with every code point kept in place (offsets stay valid)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


class GazetteerMatcher:
    """Matches a gazetteer in texts; build once, use for many documents."""

    def __init__(self, gazetteer: Gazetteer, use_automaton: bool = True) -> None:
        gazetteer.validate()
        exact: dict[str, list[str]] = {}
        folded: dict[str, list[str]] = {}
        self.patterns: list[tuple[re.Pattern[str], str]] = []
        for entry in gazetteer.entries:
            for term in entry.terms:
                if not term.strip():
                    continue
                key = term.lower() if entry.ignore_case else term
                bucket = (folded if entry.ignore_case else exact).setdefault(key, [])
                if entry.label not in bucket:
                    bucket.append(entry.label)
            flags = re.IGNORECASE if entry.ignore_case else 0
            self.patterns += [(re.compile(p, flags), entry.label) for p in entry.patterns]
        self._exact = _TermIndex({k: tuple(v) for k, v in exact.items()}, use_automaton)
        self._folded = _TermIndex({k: tuple(v) for k, v in folded.items()}, use_automaton)

    def matches(self, text: str) -> list[Match]:
        """Non-overlapping leftmost-longest matches per label, in text order."""
        found: list[Match] = []
        for index, haystack in ((self._exact, text), (self._folded, None)):
            if not index.terms:
                continue
            source = haystack if haystack is not None else _lowered(text)
            for start, end, labels in index.find(source):
                if _word_edge(text, start, end):
                    found += [(start, end, label, False) for label in labels]
        for pattern, label in self.patterns:
            for m in pattern.finditer(text):
                if m.end() > m.start():
                    found.append((m.start(), m.end(), label, True))
        return _leftmost_longest(found)


def _leftmost_longest(found: Sequence[Match]) -> list[Match]:
    by_label: dict[str, list[Match]] = {}
    for m in found:
        by_label.setdefault(m[2], []).append(m)
    kept: list[Match] = []
    for matches in by_label.values():
        reach = -1
        for m in sorted(matches, key=lambda m: (m[0], -m[1], m[3])):
            if m[0] >= reach:
                kept.append(m)
                reach = m[1]
    return sorted(kept, key=lambda m: (m[0], m[1], m[2]))
