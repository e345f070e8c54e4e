"""Merging one project's rows into another, matching documents by content hash.

Every annotation keeps its annotator, ids (where free), timestamps and attributes. An
annotation is identified by what it says, not by its id: an entity by (document,
annotator, start, end, label), a claim by its span, speaker and attributes, a target
sentiment by its entity and label, a document sentiment by (document, annotator). So
merging the same source twice adds nothing, and two copies of one analyst's file merge
into one. Identical annotations made twice by one annotator in one document are kept as
many times as the source has them (a multiset), so nothing is lost.

Documents: a document already present (same content hash) keeps its row; its status
becomes the furthest along of the two (todo < in progress < done), `created_at` the
earlier, `updated_at` the later, and the source's meta keys that the target lacks are
added. Assignments are merged by (document, annotator name).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.engine import Connection

from annotator.core.ids import new_id
from annotator.storage.models import (
    AdjudicationRow,
    AnnotatorRow,
    AssignmentRow,
    ClaimRow,
    DocumentRow,
    DocumentSentimentRow,
    EntityRow,
    TargetSentimentRow,
)

BATCH = 500
_STATUS_ORDER = {"todo": 0, "in_progress": 1, "done": 2}


@dataclass
class MergeCounts:
    """What one source added to the target."""

    documents_added: int = 0
    documents_matched: int = 0
    added: Counter[str] = field(default_factory=Counter)  # table -> rows added
    conflicts: list[str] = field(default_factory=list)


def _utc(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
    return value


def _attrs(value: Any) -> str:
    return json.dumps(dict(value or {}), sort_keys=True, ensure_ascii=False)


def _entity_key(row: Mapping[str, Any], who: str) -> tuple[Any, ...]:
    return (who, row["start_offset"], row["end_offset"], row["label"])


def _claim_key(row: Mapping[str, Any], who: str, speaker: Any) -> tuple[Any, ...]:
    return (
        who,
        row["start_offset"],
        row["end_offset"],
        speaker,
        row["speaker_text"] or "",
        _attrs(row["attributes"]),
    )


@dataclass
class _DocRows:
    """One document's annotation rows, with annotator names."""

    entities: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    sentiments: list[dict[str, Any]] = field(default_factory=list)


def _load_rows(
    conn: Connection, doc_ids: list[str], names: Mapping[str, str]
) -> dict[str, _DocRows]:
    out: dict[str, _DocRows] = {d: _DocRows() for d in doc_ids}
    for table, attr in (
        (EntityRow, "entities"),
        (ClaimRow, "claims"),
        (TargetSentimentRow, "targets"),
        (DocumentSentimentRow, "sentiments"),
    ):
        for row in conn.execute(select(table).where(table.document_id.in_(doc_ids))):
            data = {k: _utc(v) for k, v in row._mapping.items()}
            data["who"] = names[data["annotator_id"]]
            getattr(out[data["document_id"]], attr).append(data)
    return out


def _entity_keys(rows: Iterable[Mapping[str, Any]]) -> dict[str, tuple[Any, ...]]:
    return {r["id"]: _entity_key(r, r["who"]) for r in rows}


def annotation_keys(doc: _DocRows) -> Counter[tuple[Any, ...]]:
    """The multiset of what a document's annotations say (ids and times left out)."""
    ents = _entity_keys(doc.entities)
    keys: Counter[tuple[Any, ...]] = Counter()
    keys.update(("entity", *k) for k in ents.values())
    for c in doc.claims:
        speaker = ents.get(c["speaker_entity_id"]) if c["speaker_entity_id"] else None
        keys[("claim", *_claim_key(c, c["who"], speaker))] += 1
    for t in doc.targets:
        keys[("target", t["who"], ents.get(t["entity_id"]), t["label"])] += 1
    for s in doc.sentiments:
        keys[("sentiment", s["who"], s["label"])] += 1
    return keys


class _Merger:
    def __init__(self, src: Connection, dst: Connection, counts: MergeCounts) -> None:
        self.src, self.dst, self.counts = src, dst, counts
        self.src_names: dict[str, str] = dict(
            src.execute(select(AnnotatorRow.id, AnnotatorRow.name)).all()
        )
        self.dst_ids: dict[str, str] = {
            n: i for i, n in dst.execute(select(AnnotatorRow.id, AnnotatorRow.name))
        }

    def annotator(self, name: str, created: datetime) -> str:
        found = self.dst_ids.get(name)
        if found is None:
            taken = self.dst.scalar(
                select(AnnotatorRow.id).where(AnnotatorRow.id == self._src_id(name))
            )
            found = new_id() if taken else self._src_id(name)
            self.dst.execute(insert(AnnotatorRow).values(id=found, name=name, created_at=created))
            self.dst_ids[name] = found
            self.counts.added["annotators"] += 1
        return found

    def _src_id(self, name: str) -> str:
        return next(i for i, n in self.src_names.items() if n == name)

    def free(self, table: Any, wanted: list[str]) -> set[str]:
        if not wanted:
            return set()
        taken = set(self.dst.scalars(select(table.id).where(table.id.in_(wanted))))
        return {w for w in wanted if w not in taken}

    def run(self, progress: Callable[[int], None] | None) -> None:
        created = dict(self.src.execute(select(AnnotatorRow.name, AnnotatorRow.created_at)).all())
        for name in sorted(self.src_names.values()):
            self.annotator(name, _utc(created[name]))
        last, done = -1, 0
        while True:
            docs = [
                {k: _utc(v) for k, v in r._mapping.items()}
                for r in self.src.execute(
                    select(DocumentRow)
                    .where(DocumentRow.ordinal > last)
                    .order_by(DocumentRow.ordinal)
                    .limit(BATCH)
                )
            ]
            if not docs:
                return
            last = docs[-1]["ordinal"]
            self._merge_batch(docs)
            done += len(docs)
            if progress is not None:
                progress(done)

    def _merge_batch(self, docs: list[dict[str, Any]]) -> None:
        hashes = [d["content_hash"] for d in docs]
        existing = {
            r._mapping["content_hash"]: {k: _utc(v) for k, v in r._mapping.items()}
            for r in self.dst.execute(
                select(DocumentRow).where(DocumentRow.content_hash.in_(hashes))
            )
        }
        src_rows = _load_rows(self.src, [d["id"] for d in docs], self.src_names)
        dst_names = {i: n for n, i in self.dst_ids.items()}
        target_ids = {d["content_hash"]: d["id"] for d in existing.values()}
        dst_rows = _load_rows(self.dst, list(target_ids.values()), dst_names)
        free_docs = self.free(
            DocumentRow, [d["id"] for d in docs if d["content_hash"] not in existing]
        )
        ordinal = int(self.dst.scalar(select(func.max(DocumentRow.ordinal))) or 0)
        for doc in docs:
            old = existing.get(doc["content_hash"])
            if old is None:
                ordinal += 1
                doc_id = doc["id"] if doc["id"] in free_docs else new_id()
                self.dst.execute(insert(DocumentRow), {**doc, "id": doc_id, "ordinal": ordinal})
                self.counts.documents_added += 1
                self._merge_annotations(doc_id, src_rows[doc["id"]], _DocRows())
            else:
                self.counts.documents_matched += 1
                self._merge_document_row(old, doc)
                self._merge_annotations(old["id"], src_rows[doc["id"]], dst_rows[old["id"]])
            target_doc = old["id"] if old else doc_id
            self._merge_assignments(doc["id"], target_doc)
            self._merge_adjudication(doc["id"], target_doc)

    def _merge_adjudication(self, src_doc: str, dst_doc: str) -> None:
        row = self.src.execute(
            select(AdjudicationRow).where(AdjudicationRow.document_id == src_doc)
        ).first()
        if row is None:
            return
        have = self.dst.execute(
            select(AdjudicationRow).where(AdjudicationRow.document_id == dst_doc)
        ).first()
        data = {k: _utc(v) for k, v in row._mapping.items()}
        if have is None:
            self.dst.execute(insert(AdjudicationRow).values({**data, "document_id": dst_doc}))
            self.counts.added["adjudications"] += 1
        elif bool(have._mapping["complete"]) != bool(data["complete"]) or set(
            have._mapping["settled"] or ()
        ) != set(data["settled"] or ()):
            self.counts.conflicts.append(
                f"document {dst_doc}: its adjudication differs between the files (kept the first)"
            )

    def _merge_document_row(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        status = max(old["status"], new["status"], key=lambda s: _STATUS_ORDER.get(s, 0))
        meta = {**dict(new["meta"] or {}), **dict(old["meta"] or {})}
        changes: dict[str, Any] = {}
        if status != old["status"]:
            changes["status"] = status
            changes["version"] = old["version"] + 1
        if meta != dict(old["meta"] or {}):
            changes["meta"] = meta
        if new["created_at"] < old["created_at"]:
            changes["created_at"] = new["created_at"]
        if new["updated_at"] > old["updated_at"]:
            changes["updated_at"] = new["updated_at"]
        if changes:
            self.dst.execute(
                update(DocumentRow).where(DocumentRow.id == old["id"]).values(**changes)
            )
            self.counts.added["documents updated"] += 1

    def _merge_assignments(self, src_doc: str, dst_doc: str) -> None:
        have = {
            a
            for (a,) in self.dst.execute(
                select(AssignmentRow.annotator_id).where(AssignmentRow.document_id == dst_doc)
            )
        }
        for aid, when in self.src.execute(
            select(AssignmentRow.annotator_id, AssignmentRow.assigned_at).where(
                AssignmentRow.document_id == src_doc
            )
        ):
            target = self.dst_ids[self.src_names[aid]]
            if target not in have:
                self.dst.execute(
                    insert(AssignmentRow).values(
                        document_id=dst_doc, annotator_id=target, assigned_at=_utc(when)
                    )
                )
                self.counts.added["assignments"] += 1

    def _merge_annotations(self, doc_id: str, src: _DocRows, dst: _DocRows) -> None:
        # entities: match by key, multiset-wise; map every source id to a target id
        pool: dict[tuple[Any, ...], list[str]] = defaultdict(list)
        for r in dst.entities:
            pool[_entity_key(r, r["who"])].append(r["id"])
        ent_map: dict[str, str] = {}
        new_entities = []
        for r in src.entities:
            key = _entity_key(r, r["who"])
            if pool[key]:
                ent_map[r["id"]] = pool[key].pop(0)
            else:
                new_entities.append(r)
        free = self.free(EntityRow, [r["id"] for r in new_entities])
        rows = []
        for r in new_entities:
            ent_map[r["id"]] = r["id"] if r["id"] in free else new_id()
            rows.append(self._row(r, id=ent_map[r["id"]], document_id=doc_id))
        self._insert(EntityRow, rows, "entity_spans")
        dst_ents = {
            **_entity_keys(dst.entities),
            **{ent_map[r["id"]]: _entity_key(r, r["who"]) for r in src.entities},
        }
        src_ents = _entity_keys(src.entities)

        claim_pool: Counter[tuple[Any, ...]] = Counter(
            _claim_key(c, c["who"], dst_ents.get(c["speaker_entity_id"])) for c in dst.claims
        )
        new_claims = []
        for c in src.claims:
            key = _claim_key(c, c["who"], src_ents.get(c["speaker_entity_id"]))
            if claim_pool[key]:
                claim_pool[key] -= 1
            else:
                new_claims.append(c)
        free = self.free(ClaimRow, [c["id"] for c in new_claims])
        self._insert(
            ClaimRow,
            [
                self._row(
                    c,
                    id=c["id"] if c["id"] in free else new_id(),
                    document_id=doc_id,
                    speaker_entity_id=ent_map.get(c["speaker_entity_id"])
                    if c["speaker_entity_id"]
                    else None,
                )
                for c in new_claims
            ],
            "claims",
        )

        have_targets = {(t["entity_id"], t["annotator_id"]): t["label"] for t in dst.targets}
        new_targets = []
        for t in src.targets:
            entity = ent_map[t["entity_id"]]
            aid = self.dst_ids[t["who"]]
            label = have_targets.get((entity, aid))
            if label is None:
                new_targets.append((t, entity))
                have_targets[(entity, aid)] = t["label"]
            elif label != t["label"]:
                self.counts.conflicts.append(
                    f"document {doc_id}: {t['who']}'s target sentiment differs between "
                    f"the files ({label} kept, {t['label']} not)"
                )
        free = self.free(TargetSentimentRow, [t["id"] for t, _ in new_targets])
        self._insert(
            TargetSentimentRow,
            [
                self._row(
                    t, id=t["id"] if t["id"] in free else new_id(), document_id=doc_id, entity_id=e
                )
                for t, e in new_targets
            ],
            "target_sentiments",
        )

        have_sentiments = {s["annotator_id"]: s["label"] for s in dst.sentiments}
        rows = []
        for s in src.sentiments:
            aid = self.dst_ids[s["who"]]
            label = have_sentiments.get(aid)
            if label is None:
                rows.append(self._row(s, document_id=doc_id))
                have_sentiments[aid] = s["label"]
            elif label != s["label"]:
                self.counts.conflicts.append(
                    f"document {doc_id}: {s['who']}'s document sentiment differs between "
                    f"the files ({label} kept, {s['label']} not)"
                )
        self._insert(DocumentSentimentRow, rows, "document_sentiments")

    def _row(self, row: Mapping[str, Any], **changes: Any) -> dict[str, Any]:
        out = {k: v for k, v in row.items() if k != "who"}
        out["annotator_id"] = self.dst_ids[row["who"]]
        out.update(changes)
        return out

    def _insert(self, table: Any, rows: list[dict[str, Any]], name: str) -> None:
        if rows:
            self.dst.execute(insert(table), rows)
            self.counts.added[name] += len(rows)


def merge_rows(
    source: Engine, target: Engine, progress: Callable[[int], None] | None = None
) -> MergeCounts:
    """Merge every document and annotation of `source` into `target`, in one transaction."""
    counts = MergeCounts()
    with source.connect() as src, src.begin(), target.begin() as dst:
        _Merger(src, dst, counts).run(progress)
    return counts


def content_keys(engine: Engine) -> dict[str, Counter[tuple[Any, ...]]]:
    """Content hash -> the multiset of annotation keys of that document (for verifying)."""
    out: dict[str, Counter[tuple[Any, ...]]] = {}
    with engine.connect() as conn, conn.begin():
        names = dict(conn.execute(select(AnnotatorRow.id, AnnotatorRow.name)).all())
        docs = conn.execute(select(DocumentRow.id, DocumentRow.content_hash)).all()
        for start in range(0, len(docs), BATCH):
            part = docs[start : start + BATCH]
            rows = _load_rows(conn, [d for d, _ in part], names)
            for doc_id, digest in part:
                out[digest] = annotation_keys(rows[doc_id])
    return out
