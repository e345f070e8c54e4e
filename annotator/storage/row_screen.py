"""Stored rows that break the project's rules: readers report them and carry on.

The database refuses such values since revision 0003, but a project may hold rows written
earlier (or by a colleague's direct SQL before the upgrade). No reader crashes on them: a
document with an unknown status reads as "todo", a span or claim whose offsets do not fit
its text, or a claim whose attributes are not a JSON object of strings, is skipped. Each is
logged as a warning and counted in a `BadRows` the caller can show.

The screening and the assembly of screened rows into core objects (`document_of`,
`assemble_annotations`) are written once here, free of SQLAlchemy: the SQLAlchemy readers
(PostgreSQL) and the plain `sqlite3` readers (`sqlite_reads`) hand them the same tuples.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from annotator.core.model import (
    STATUSES,
    Claim,
    Document,
    DocumentAnnotations,
    EntitySpan,
    Status,
    TargetSentiment,
    entity_span,
)

log = logging.getLogger("annotator.storage")

MAX_KEPT = 200  # messages kept for display; the count goes on


class BadRows:
    """Reports of unusable stored rows: each different one counted and logged once (a
    document read again reports nothing new), the first MAX_KEPT kept for display."""

    def __init__(self) -> None:
        self.count = 0
        self.messages: list[str] = []
        self._seen: set[str] = set()

    def report(self, message: str) -> None:
        if message in self._seen:
            return
        self._seen.add(message)
        self.count += 1
        if len(self.messages) < MAX_KEPT:
            self.messages.append(message)
        log.warning("unusable stored row skipped: %s", message)

    def summary(self) -> str:
        """One line for the CLI ('' when there were none)."""
        if not self.count:
            return ""
        first = self.messages[0] if self.messages else ""
        return f"{self.count} unusable stored rows were skipped (first: {first})"


def status_of(value: Any, doc_id: str, bad: BadRows | None) -> Status:
    """The stored status, or TODO (reported) when it is not one of `Status`."""
    known = STATUSES.get(value) if isinstance(value, str) else None
    if known is not None:
        return known
    try:
        return Status(value)
    except ValueError:
        if bad is not None:
            bad.report(f"document {doc_id}: unknown status {str(value)[:40]!r}, read as todo")
        return Status.TODO


def meta_of(value: Any, doc_id: str, bad: BadRows | None) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return dict(value)
    if bad is not None:
        bad.report(f"document {doc_id}: its metadata is not a JSON object, read as empty")
    return {}


def offsets_problem(start: Any, end: Any, length: int | None) -> str | None:
    """Why offsets do not fit a text of `length` code points (None: unknown), or None."""
    if type(start) is not int or type(end) is not int:
        return f"offsets {start!r}, {end!r} are not integers"
    if not 0 <= start < end:
        return f"offsets [{start}, {end}) are not 0 <= start < end"
    if length is not None and end > length:
        return f"offsets [{start}, {end}) run past the end of the text ({length})"
    return None


def attributes_problem(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        return "attributes are not a JSON object"
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return "attributes are not all strings"
    return None


# -- assembling screened rows -------------------------------------------------------
# Column orders of the tuples the functions below take (SQLAlchemy and sqlite3 alike).
DOCUMENT_COLUMNS = (
    "id",
    "title",
    "text",
    "source",
    "meta",
    "status",
    "content_hash",
    "created_at",
    "updated_at",
)
ENTITY_COLUMNS = ("id", "document_id", "annotator_id", "start_offset", "end_offset", "label")
CLAIM_COLUMNS = (
    "id",
    "document_id",
    "annotator_id",
    "start_offset",
    "end_offset",
    "speaker_entity_id",
    "speaker_text",
    "attributes",
)
TARGET_COLUMNS = ("id", "document_id", "annotator_id", "entity_id", "label")
DOCUMENT_SENTIMENT_COLUMNS = ("document_id", "annotator_id", "label")


def document_of(values: Sequence[Any], bad: BadRows | None) -> Document:
    """A document from decoded values in the order of DOCUMENT_COLUMNS."""
    doc_id, title, text, source, meta, status, digest, created, updated = values
    return Document(
        id=doc_id,
        title=title,
        text=text,
        source=source or "",
        meta=meta_of(meta, doc_id, bad),
        status=status_of(status, doc_id, bad),
        content_hash=digest,
        created_at=created,
        updated_at=updated,
    )


def assemble_annotations(
    doc_ids: Iterable[str],
    names: Mapping[str, str],
    rows: tuple[Iterable[Sequence[Any]], ...],
    bad: BadRows | None = None,
    lengths: Mapping[str, int] | None = None,
) -> dict[str, DocumentAnnotations]:
    """The annotations of `doc_ids` from decoded rows of entity spans, claims, target
    sentiments and document sentiments (`rows`, in that order; columns as *_COLUMNS).

    Rows that break the rules (`lengths`: document id -> text length, to check offsets
    against) are skipped and reported to `bad`, with what depends on them: a claim loses a
    skipped speaker, a target sentiment toward a skipped span goes.
    """
    entities, claims, targets, sentiments = rows
    out: dict[str, DocumentAnnotations] = {d: DocumentAnnotations() for d in doc_ids}
    report: Callable[[str], None] = bad.report if bad is not None else (lambda _message: None)
    sizes = lengths or {}
    make = entity_span  # EntitySpan(...) in half the time
    skipped: set[str] = set()
    last: str | None = None  # rows come grouped by document: look its table up once per run
    table: dict[str, EntitySpan] = {}
    n: int | None = None
    for i, d, a, s, e, lab in entities:  # the hot path: tens of thousands in a long article
        if d != last:
            last, table, n = d, out[d].entities, sizes.get(d)
        if type(s) is int and type(e) is int and 0 <= s < e and (n is None or e <= n):
            table[i] = make(i, s, e, lab, names.get(a, ""))
        else:
            skipped.add(i)
            report(f"span {i} of document {d}: {offsets_problem(s, e, n)}")
    for i, d, a, s, e, sp, st, attrs in claims:
        problem = offsets_problem(s, e, sizes.get(d)) or attributes_problem(attrs)
        if problem is not None:
            report(f"claim {i} of document {d}: {problem}")
            continue
        speaker = None if sp in skipped else sp
        out[d].claims[i] = Claim(i, s, e, speaker, st or "", dict(attrs or {}), names.get(a, ""))
    for i, d, a, ent, lab in targets:
        if ent in skipped:
            report(f"target sentiment {i} of document {d}: its span was skipped")
            continue
        out[d].targets[i] = TargetSentiment(i, ent, lab, names.get(a, ""))
    # several annotators' document sentiments: the same one on every back end (first by name)
    for d, _a, lab in sorted(sentiments, key=lambda row: names.get(row[1], "")):
        if out[d].document_sentiment is None:
            out[d].document_sentiment = lab
    return out


def single_annotator(ann: DocumentAnnotations, wanted: str | None) -> str | None:
    """`wanted`, or else the one annotator of all of `ann`'s annotations (None if several)."""
    if wanted is not None:
        return wanted
    names = {e.annotator for e in ann.entities.values()}
    if ann.claims:
        names.update(c.annotator for c in ann.claims.values())
    if ann.targets:
        names.update(t.annotator for t in ann.targets.values())
    return names.pop() if len(names) == 1 else None


def annotator_filter(annotator: str | None, names: Mapping[str, str]) -> str | None:
    """The id of annotator `annotator` among `names` (id -> name) to filter rows by: None
    for no filter, an id no row has when there is no such annotator."""
    if annotator is None:
        return None
    for aid, name in names.items():
        if name == annotator:
            return aid
    return "\x00none"  # no such annotator: match nothing
