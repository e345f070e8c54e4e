"""Inter-annotator agreement: entity and claim F1, Cohen's kappa, Krippendorff's alpha.

Pure computation over an `AnnotationTable` (who annotated what, per document).

Orientation of a pair (a, b): `a` (the first annotator named) is the reference and `b` the
one compared with it, so precision = matches / spans of b and recall = matches / spans of a.
F1 = 2 * matches / (spans of a + spans of b) is symmetric. `support` is the number of the
reference's spans. Only documents annotated (anything at all) by both members of a pair
count for that pair. With more than two annotators the report's figures are the means over
the pairs that have something to compare (support: the sum over pairs), and `pairs` lists
each pair. A figure that is undefined (nothing to compare, or a single category used by
everyone for kappa/alpha) is None.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from operator import itemgetter
from typing import Any

Span = tuple[int, int, str]  # start, end (exclusive), label
_label = itemgetter(2)
ClaimKey = tuple[int, int, str]  # start, end, normalised speaker ("" when none)


@dataclass
class AnnotationTable:
    """Annotations of a project as plain tuples, per document and annotator."""

    entities: dict[str, dict[str, set[Span]]] = field(default_factory=dict)
    claims: dict[str, dict[str, set[ClaimKey]]] = field(default_factory=dict)
    document_sentiments: dict[str, dict[str, str]] = field(default_factory=dict)
    # doc -> annotator -> (entity start, end) -> sentiment label
    target_sentiments: dict[str, dict[str, dict[tuple[int, int], str]]] = field(
        default_factory=dict
    )

    def add_entity(self, doc: str, annotator: str, start: int, end: int, label: str) -> None:
        self.entities.setdefault(doc, {}).setdefault(annotator, set()).add((start, end, label))

    def add_claim(self, doc: str, annotator: str, start: int, end: int, speaker: str) -> None:
        key = (start, end, normalise_speaker(speaker))
        self.claims.setdefault(doc, {}).setdefault(annotator, set()).add(key)

    def add_document_sentiment(self, doc: str, annotator: str, label: str) -> None:
        self.document_sentiments.setdefault(doc, {})[annotator] = label

    def add_target_sentiment(
        self, doc: str, annotator: str, start: int, end: int, label: str
    ) -> None:
        self.target_sentiments.setdefault(doc, {}).setdefault(annotator, {})[(start, end)] = label

    def annotated_by(self) -> dict[str, set[str]]:
        """Document -> the annotators with any annotation on it."""
        out: dict[str, set[str]] = defaultdict(set)
        for part in (self.entities, self.claims, self.document_sentiments, self.target_sentiments):
            for doc, per in part.items():
                out[doc].update(per)
        return out

    def annotators(self) -> list[str]:
        names: set[str] = set()
        for per in self.annotated_by().values():
            names |= per
        return sorted(names)


@lru_cache(maxsize=65536)  # a corpus has few distinct speakers and many claims
def normalise_speaker(text: str) -> str:
    return " ".join(text.split()).casefold()


# -- the statistics ---------------------------------------------------------------------------
def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters' labels on the same units; None if undefined."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(1 for a, b in pairs if a == b) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in first) / (n * n)
    if expected == 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def krippendorff_alpha_nominal(units: Iterable[Mapping[str, str]]) -> float | None:
    """Krippendorff's alpha for nominal data; each unit maps rater -> value, missing allowed.

    Units with fewer than two values are not pairable and are left out. None if undefined
    (no pairable unit, or only one value used).
    """
    coincidence: dict[tuple[str, str], float] = defaultdict(float)
    for unit in units:
        values = list(unit.values())
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        for c, nc in counts.items():
            for k, nk in counts.items():
                pairs = nc * (nc - 1) if c == k else nc * nk
                if pairs:
                    coincidence[(c, k)] += pairs / (m - 1)
    totals: dict[str, float] = defaultdict(float)
    for (c, _k), value in coincidence.items():
        totals[c] += value
    n = sum(totals.values())
    if n <= 1:
        return None
    disagree = sum(v for (c, k), v in coincidence.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k)
    if expected == 0:
        return None
    return 1.0 - (n - 1) * disagree / expected


def pairable_units(units: Iterable[Mapping[str, str]]) -> int:
    return sum(1 for u in units if len(u) >= 2)


# -- entities -------------------------------------------------------------------------------
@dataclass
class LabelCounts:
    matched: int = 0
    reference: int = 0  # spans of the first annotator
    compared: int = 0  # spans of the second annotator

    def figures(self) -> dict[str, Any]:
        return {
            "precision": _ratio(self.matched, self.compared),
            "recall": _ratio(self.matched, self.reference),
            "f1": _ratio(2 * self.matched, self.reference + self.compared),
            "support": self.reference,
        }


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _overlapping(spans: Collection[Span], others: Collection[Span]) -> int:
    """How many of `spans` overlap at least one of `others` with the same label."""
    if len(spans) * len(others) <= 256:  # a few leftovers per document: compare directly
        return sum(
            1
            for s, e, lab in spans
            if any(os < e and s < oe and ol == lab for os, oe, ol in others)
        )
    by_label: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for s, e, lab in others:
        by_label[lab].append((s, e))
    index: dict[str, tuple[list[int], list[int]]] = {}
    for lab, items in by_label.items():
        items.sort()
        starts = [s for s, _ in items]
        reach, best = [], -1
        for _, e in items:
            best = max(best, e)
            reach.append(best)  # the furthest end among spans starting at or before here
        index[lab] = (starts, reach)
    found = 0
    for s, e, lab in spans:
        entry = index.get(lab)
        if entry is None:
            continue
        starts, reach = entry
        i = bisect_left(starts, e)  # spans starting before our end
        if i and reach[i - 1] > s:
            found += 1
    return found


@dataclass
class EntityPair:
    first: str
    second: str
    documents: int = 0
    labels: dict[str, LabelCounts] = field(default_factory=lambda: defaultdict(LabelCounts))
    relaxed_first: int = 0  # spans of first overlapping a same-label span of second
    relaxed_second: int = 0

    def micro(self) -> LabelCounts:
        total = LabelCounts()
        for c in self.labels.values():
            total.matched += c.matched
            total.reference += c.reference
            total.compared += c.compared
        return total

    def relaxed_f1(self) -> float:
        micro = self.micro()
        precision = _ratio(self.relaxed_second, micro.compared)
        recall = _ratio(self.relaxed_first, micro.reference)
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def to_dict(self) -> dict[str, Any]:
        micro = self.micro()
        return {
            "annotators": [self.first, self.second],
            "documents": self.documents,
            "per_label": {lab: self.labels[lab].figures() for lab in sorted(self.labels)},
            "micro_precision": micro.figures()["precision"],
            "micro_recall": micro.figures()["recall"],
            "micro_f1": micro.figures()["f1"],
            "relaxed_micro_f1": self.relaxed_f1(),
        }


def entity_pair(
    table: AnnotationTable, first: str, second: str, annotated: Mapping[str, set[str]]
) -> EntityPair:
    pair = EntityPair(first, second)
    empty: set[Span] = set()
    reference: Counter[str] = Counter()
    compared: Counter[str] = Counter()
    matched: Counter[str] = Counter()
    for doc, who in annotated.items():
        if first not in who or second not in who:
            continue
        pair.documents += 1
        per = table.entities.get(doc, {})
        a, b = per.get(first, empty), per.get(second, empty)
        common = a & b
        reference.update(map(_label, a))  # counted in C: a million spans in well under 1 s
        compared.update(map(_label, b))
        matched.update(map(_label, common))
        if a and b:  # exact matches overlap; only the rest need looking at
            pair.relaxed_first += len(common) + (_overlapping(a - common, b) if a != common else 0)
            pair.relaxed_second += len(common) + (_overlapping(b - common, a) if b != common else 0)
    for lab in set(reference) | set(compared):
        counts = pair.labels[lab]
        counts.reference, counts.compared, counts.matched = (
            reference[lab],
            compared[lab],
            matched[lab],
        )
    return pair


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _entity_report(pairs: Sequence[EntityPair]) -> dict[str, Any]:
    compared = [p for p in pairs if p.documents]
    labels = sorted({lab for p in compared for lab in p.labels})
    per_label: dict[str, Any] = {}
    for lab in labels:
        figures = [p.labels[lab].figures() for p in compared if lab in p.labels]
        per_label[lab] = {
            "precision": _mean([f["precision"] for f in figures]),
            "recall": _mean([f["recall"] for f in figures]),
            "f1": _mean([f["f1"] for f in figures]),
            "support": sum(f["support"] for f in figures),
        }
    return {
        "per_label": per_label,
        "micro_f1": _mean([p.micro().figures()["f1"] for p in compared]),
        "relaxed_micro_f1": _mean([p.relaxed_f1() for p in compared]),
        "pairs": [p.to_dict() for p in pairs],
    }


# -- claims ---------------------------------------------------------------------------------
def _claim_pair(
    table: AnnotationTable, first: str, second: str, annotated: Mapping[str, set[str]]
) -> dict[str, Any]:
    matched = reference = compared = same_speaker = documents = 0
    empty: set[ClaimKey] = set()
    for doc, who in annotated.items():
        if first not in who or second not in who:
            continue
        documents += 1
        per = table.claims.get(doc, {})
        a, b = per.get(first, empty), per.get(second, empty)
        reference += len(a)
        compared += len(b)
        spans_b: dict[tuple[int, int], set[str]] = defaultdict(set)
        for s, e, sp in b:
            spans_b[(s, e)].add(sp)
        seen: set[tuple[int, int]] = set()
        for s, e, sp in a:
            speakers = spans_b.get((s, e))
            if speakers is None or (s, e) in seen:
                continue
            seen.add((s, e))
            matched += 1
            if sp in speakers:
                same_speaker += 1
    return {
        "annotators": [first, second],
        "documents": documents,
        "span_precision": _ratio(matched, compared),
        "span_recall": _ratio(matched, reference),
        "span_f1": _ratio(2 * matched, reference + compared),
        "matched": matched,
        "speaker_agreement": _ratio(same_speaker, matched) if matched else None,
        "support": reference,
    }


def _claim_report(pairs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    compared = [p for p in pairs if p["documents"]]
    speakers = [p["speaker_agreement"] for p in compared if p["speaker_agreement"] is not None]
    return {
        "span_f1": _mean([p["span_f1"] for p in compared]),
        "speaker_agreement": _mean(speakers),
        "matched": sum(p["matched"] for p in compared),
        "pairs": list(pairs),
    }


# -- sentiment ------------------------------------------------------------------------------
def _sentiment_report(
    table: AnnotationTable, annotators: Sequence[str], pairs: Sequence[tuple[str, str]]
) -> dict[str, Any]:
    wanted = set(annotators)
    units = [
        {a: lab for a, lab in per.items() if a in wanted}
        for per in table.document_sentiments.values()
    ]
    pair_rows: list[dict[str, Any]] = []
    for first, second in pairs:
        labels = [
            (per[first], per[second])
            for per in table.document_sentiments.values()
            if first in per and second in per
        ]
        pair_rows.append(
            {
                "annotators": [first, second],
                "cohen_kappa": cohen_kappa(labels),
                "units": len(labels),
            }
        )
    kappas = [p["cohen_kappa"] for p in pair_rows if p["cohen_kappa"] is not None]
    return {
        "cohen_kappa": _mean(kappas),
        "krippendorff_alpha": krippendorff_alpha_nominal(units),
        "units": pairable_units(units),
        "pairs": pair_rows,
    }


def _target_report(table: AnnotationTable, annotators: Sequence[str]) -> dict[str, Any]:
    wanted = set(annotators)
    units: dict[tuple[str, int, int], dict[str, str]] = defaultdict(dict)
    for doc, per in table.target_sentiments.items():
        for who, targets in per.items():
            if who in wanted:
                for (s, e), lab in targets.items():
                    units[(doc, s, e)][who] = lab
    values = list(units.values())
    return {
        "krippendorff_alpha": krippendorff_alpha_nominal(values),
        "units": pairable_units(values),
    }


# -- the report -----------------------------------------------------------------------------
def agreement_report(
    table: AnnotationTable, annotators: Sequence[str] | None = None
) -> dict[str, Any]:
    """The JSON-ready agreement report between `annotators` (default: everyone in the table)."""
    annotated = table.annotated_by()
    names = (
        list(annotators)
        if annotators is not None
        else sorted({who for per in annotated.values() for who in per})
    )
    if len(names) < 2:
        raise ValueError(
            "agreement needs at least two annotators"
            + (f" (found: {', '.join(names)})" if names else " (none found)")
        )
    if len(set(names)) != len(names):
        raise ValueError("an annotator is named twice")
    pairs = list(combinations(names, 2))
    entity_pairs = [entity_pair(table, a, b, annotated) for a, b in pairs]
    return {
        "annotators": names,
        "entities": _entity_report(entity_pairs),
        "claims": _claim_report([_claim_pair(table, a, b, annotated) for a, b in pairs]),
        "document_sentiment": _sentiment_report(table, names, pairs),
        "target_sentiment": _target_report(table, names),
    }


def disagreement_count(per_annotator: Mapping[str, set[Any]]) -> int:
    """Units (spans, claims, ...) not marked identically by every annotator of a document."""
    if len(per_annotator) < 2:
        return 0
    sets = list(per_annotator.values())
    union = set().union(*sets)
    common = set.intersection(*sets)
    return len(union - common)
