"""Who said what, across the corpus: claims grouped by speaker, search, sentiment over time.

Speaker names are merged into canonical entities that an analyst confirms ("Kevin
Hassett", "Hassett", "Trump's chief economic advisor" -> "Kevin Hassett"). Confirmed
merges are stored in the project meta under `SPEAKERS_KEY` as {canonical: [alias, ...]}
(on a server project, writing the meta needs the admin role). `suggest_merges` proposes
merges by surname and by one name being contained in another; nothing is merged until it
is confirmed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from annotator.services.project import Project
from annotator.storage.review_reads import (
    claim_details,
    search_annotations,
    speaker_counts,
    target_sentiments_by_text,
)

SPEAKERS_KEY = "speaker_entities"
NO_SPEAKER = "(no speaker)"
DATE_KEYS = ("date", "published", "published_at", "publication_date")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


# -- canonical speakers ------------------------------------------------------------------------
def confirmed_merges(project: Project) -> dict[str, list[str]]:
    """Canonical name -> confirmed aliases."""
    value = project.repo.get_meta(SPEAKERS_KEY, {}) or {}
    return {str(k): [str(a) for a in v] for k, v in dict(value).items()}


def alias_map(merges: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Folded alias (and canonical) name -> canonical name."""
    out: dict[str, str] = {}
    for canonical, aliases in merges.items():
        out[_fold(canonical)] = canonical
        for alias in aliases:
            out[_fold(alias)] = canonical
    return out


def confirm_merge(project: Project, canonical: str, aliases: Iterable[str]) -> None:
    """Record that every name of `aliases` means `canonical` (merging earlier merges)."""
    canonical = " ".join(canonical.split())
    if not canonical:
        raise ValueError("a canonical speaker needs a name")
    merges = confirmed_merges(project)
    names = {_fold(a): a for a in aliases if _fold(a) and _fold(a) != _fold(canonical)}
    for other in list(merges):
        if _fold(other) in names or _fold(other) == _fold(canonical):
            for alias in merges.pop(other):
                names.setdefault(_fold(alias), alias)
            if _fold(other) != _fold(canonical):
                names.setdefault(_fold(other), other)
    names.pop(_fold(canonical), None)
    merges[canonical] = sorted(names.values(), key=str.casefold)
    project.repo.set_meta(SPEAKERS_KEY, merges)


def undo_merge(project: Project, alias: str) -> None:
    """Take `alias` out of its canonical entity (a canonical name dissolves its entity)."""
    merges = confirmed_merges(project)
    folded = _fold(alias)
    for canonical in list(merges):
        if _fold(canonical) == folded:
            del merges[canonical]
        else:
            merges[canonical] = [a for a in merges[canonical] if _fold(a) != folded]
    project.repo.set_meta(SPEAKERS_KEY, {k: v for k, v in merges.items() if v})


def suggest_merges(
    names: Iterable[str], merges: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """Proposed canonical name -> names that look like the same person, not yet confirmed.

    A name that is the last word (surname) of a longer name, or contained in it at word
    boundaries, is proposed for the longest such name; names sharing a surname are grouped.
    """
    known = alias_map(merges)
    free = sorted({" ".join(n.split()) for n in names if n.strip() and _fold(n) not in known})
    by_surname: dict[str, list[str]] = defaultdict(list)
    for name in free:
        words = re.findall(r"[\w'’-]+", name)
        if words and words[-1][:1].isupper():
            by_surname[words[-1].casefold()].append(name)
    out: dict[str, list[str]] = {}
    for group in by_surname.values():
        if len(group) < 2:
            continue
        canonical = max(group, key=lambda n: (len(n.split()), len(n)))
        out[canonical] = sorted(n for n in group if n != canonical)
    # containment: "Hassett" in "Kevin Hassett's office" style names, and confirmed entities
    targets = list(merges) + free
    for name in free:
        if any(name in v for v in out.values()) or name in out:
            continue
        pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
        longer = [t for t in targets if t != name and len(t) > len(name) and pattern.search(t)]
        if longer and len(name) >= 3:
            canonical = min(longer, key=len)
            out.setdefault(canonical, []).append(name)
    return out


# -- who said what -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClaimFilter:
    """What the browser shows. Attribute filters cover stance, type, attribution, ..."""

    attributes: Mapping[str, str] = field(default_factory=dict)
    date_from: date | None = None
    date_to: date | None = None
    sentiment: str | None = None
    annotator: str | None = None
    text: str = ""

    def accepts(self, claim: SaidClaim) -> bool:
        for name, value in self.attributes.items():
            if claim.attributes.get(name) != value:
                return False
        if self.date_from and (claim.date is None or claim.date < self.date_from):
            return False
        if self.date_to and (claim.date is None or claim.date > self.date_to):
            return False
        if self.sentiment and self.sentiment not in claim.sentiments:
            return False
        if self.annotator and self.annotator not in claim.annotators:
            return False
        return not self.text or self.text.casefold() in claim.text.casefold()


@dataclass(frozen=True)
class SaidClaim:
    """One claim of the corpus; marked identically by several analysts, it is one row
    naming them all (with each one's document sentiment)."""

    id: str
    document_id: str
    title: str
    date: date | None
    start: int
    end: int
    speaker: str  # as written
    canonical: str
    attributes: Mapping[str, str]
    annotators: tuple[str, ...]
    sentiments: tuple[str, ...]  # the claimants' document sentiments, where set
    text: str


@dataclass(frozen=True)
class SpeakerGroup:
    canonical: str
    names: tuple[str, ...]  # the written names merged into it
    claims: int


def document_date(meta: Mapping[str, Any] | None, created: datetime | None) -> date | None:
    """A document's date: the first of meta date/published fields that parses, else import day."""
    for key in DATE_KEYS:
        value = (meta or {}).get(key)
        if isinstance(value, str):
            match = _DATE.search(value)
            if match:
                try:
                    return date(*(int(g) for g in match.groups()))
                except ValueError:
                    continue
    return created.date() if isinstance(created, datetime) else None


def speaker_groups(project: Project) -> list[SpeakerGroup]:
    """Every speaker (canonical where merged) with its claim count, most claims first.

    One aggregate query: this is what the browser shows when it opens.
    """
    canonical = alias_map(confirmed_merges(project))
    groups: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for name, n in speaker_counts(project.repo.engine).items():
        shown = " ".join(name.split()) or NO_SPEAKER
        groups[canonical.get(_fold(shown), shown)].append((name, n))
    out = [
        SpeakerGroup(c, tuple(sorted(n for n, _ in names)), sum(k for _, k in names))
        for c, names in groups.items()
    ]
    out.sort(key=lambda g: (-g.claims, g.canonical.casefold()))
    return out


def claims_of(
    project: Project,
    group: SpeakerGroup | None = None,
    filters: ClaimFilter | None = None,
    limit: int | None = None,
) -> list[SaidClaim]:
    """Claims of one speaker group (default: everyone's), filtered, in document order."""
    canonical = alias_map(confirmed_merges(project))
    speakers = list(group.names) if group is not None else None
    rows = claim_details(project.repo.engine, speakers)
    merged: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in rows:  # in document order; one entry per claim, however many marked it
        attrs = tuple(sorted(dict(r["attributes"] or {}).items()))
        key = (r["document_id"], r["start"], r["end"], _fold(r["speaker"] or ""), attrs)
        merged.setdefault(key, []).append(r)
    out = []
    for same in merged.values():
        r = same[0]
        shown = " ".join((r["speaker"] or "").split()) or NO_SPEAKER
        claim = SaidClaim(
            id=r["id"],
            document_id=r["document_id"],
            title=r["title"],
            date=document_date(r["meta"], r["created_at"]),
            start=r["start"],
            end=r["end"],
            speaker=r["speaker"] or "",
            canonical=canonical.get(_fold(shown), shown),
            attributes=dict(r["attributes"] or {}),
            annotators=tuple(sorted({x["annotator"] for x in same})),
            sentiments=tuple(sorted({x["sentiment"] for x in same if x["sentiment"]})),
            text=r["text"] or "",
        )
        if filters is None or filters.accepts(claim):
            out.append(claim)
            if limit is not None and len(out) >= limit:
                break
    return out


@dataclass(frozen=True)
class SearchHit:
    kind: str  # document, entity, claim
    document_id: str
    title: str
    start: int
    end: int
    what: str


def search(project: Project, needle: str, limit: int = 200) -> list[SearchHit]:
    """Documents whose title or text contains `needle`, entities whose label or text matches,
    claims whose speaker matches; each hit names a span to jump to."""
    needle = needle.strip()
    if not needle:
        return []
    hits: list[SearchHit] = []
    low = needle.casefold()
    for summary in project.repo.list_documents(search=needle)[:limit]:
        doc = project.repo.get_document(summary.id)
        at = doc.text.casefold().find(low)
        start, end = (at, at + len(needle)) if at >= 0 else (0, 0)
        snippet = doc.text[max(0, start - 40) : end + 40].replace("\n", " ") if at >= 0 else ""
        hits.append(SearchHit("document", doc.id, doc.title, start, end, snippet or doc.title))
    for row in search_annotations(project.repo.engine, needle, limit):
        hits.append(
            SearchHit(
                row["kind"], row["document_id"], row["title"], row["start"], row["end"], row["what"]
            )
        )
    return hits


def sentiment_over_time(
    project: Project, entity: str, by: str = "month"
) -> dict[str, dict[str, int]]:
    """Period (YYYY-MM, or YYYY-MM-DD with by="day") -> sentiment label -> targets toward
    `entity` (its canonical name or any confirmed alias, matched on the entity's text)."""
    merges = confirmed_merges(project)
    canonical = alias_map(merges).get(_fold(entity), entity)
    names = {_fold(canonical)} | {_fold(a) for a in merges.get(canonical, [])}
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for text, label, meta, created in target_sentiments_by_text(project.repo.engine):
        if _fold(text or "") not in names:
            continue
        when = document_date(meta, created)
        if when is None:
            continue
        key = when.isoformat() if by == "day" else when.isoformat()[:7]
        out[key][label] += 1
    return {k: dict(v) for k, v in sorted(out.items())}
