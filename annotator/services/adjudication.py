"""Adjudication: settling analysts' disagreements into the gold layer, one decision at a time.

A document's analysts' versions are compared unit by unit:

- entities: spans of all analysts that overlap form one unit (a cluster); it is agreed when
  every analyst has exactly the same spans in it, else a disagreement whose options are each
  analyst's spans there (possibly none);
- claims: the same, over claim spans (with speaker and attributes);
- the document sentiment, and each entity's target sentiment (by the entity's offsets);
  accepting a target sentiment where gold has no entity at those offsets brings the
  analyst's entity into gold with it (one undoable step).

Starting adjudication copies the agreed units into gold. A decision (accept one analyst's
version of a unit, or none) replaces gold's annotations in that unit and records the unit
as settled; every decision is one undoable command saved at once. When every disagreement
is settled the document is marked adjudicated (complete); an undo takes that back.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core.agreement import AnnotationTable, disagreement_count
from annotator.core.commands import (
    AddClaim,
    AddEntity,
    EditCommand,
    RemoveClaim,
    RemoveEntity,
    SetDocumentSentiment,
    SetTargetSentiment,
)
from annotator.core.history import UndoHistory
from annotator.core.ids import new_id
from annotator.core.model import Claim, DocumentAnnotations, EntitySpan
from annotator.services.agreement import annotation_table
from annotator.services.project import Project
from annotator.services.session import DocumentSession
from annotator.services.team import is_team_project, my_roles
from annotator.storage.gold import (
    GOLD_ANNOTATOR,
    adjudication,
    all_adjudications,
    save_adjudication,
)
from annotator.storage.review_reads import document_titles, no_cyclic_gc
from annotator.storage.roles import is_owner

NONE = "(none)"


@dataclass(frozen=True)
class Option:
    """One analyst's version of a unit (several analysts may share it)."""

    analysts: tuple[str, ...]
    entities: tuple[EntitySpan, ...] = ()
    claims: tuple[Claim, ...] = ()
    label: str | None = None  # sentiment units

    def describe(self, text: str) -> str:
        if self.entities:
            return "; ".join(f"{text[e.start : e.end]!r} {e.label}" for e in self.entities)
        if self.claims:
            parts = []
            for c in self.claims:
                who = c.speaker_text or "no speaker"
                attrs = ", ".join(f"{k} {v}" for k, v in sorted(c.attributes.items()))
                parts.append(
                    f"{text[c.start : c.end]!r} by {who}" + (f" ({attrs})" if attrs else "")
                )
            return "; ".join(parts)
        return self.label or NONE


@dataclass(frozen=True)
class Disagreement:
    key: str  # e.g. "entity:10-25", "claim:30-80", "sentiment", "target:10-15"
    kind: str  # entity, claim, sentiment, target
    start: int
    end: int
    options: tuple[Option, ...]


@dataclass
class _Units:
    agreed: list[Disagreement] = field(default_factory=list)  # units with a single option
    disagreements: list[Disagreement] = field(default_factory=list)


def _clusters(spans: Sequence[tuple[int, int, Any]]) -> list[list[tuple[int, int, Any]]]:
    """Spans grouped into clusters of (transitively) overlapping ones."""
    out: list[list[tuple[int, int, Any]]] = []
    reach = -1
    for span in sorted(spans, key=lambda s: (s[0], s[1])):
        if out and span[0] < reach:
            out[-1].append(span)
            reach = max(reach, span[1])
        else:
            out.append([span])
            reach = span[1]
    return out


def _entity_sig(e: EntitySpan) -> tuple[int, int, str]:
    return (e.start, e.end, e.label)


def _claim_sig(c: Claim) -> tuple[Any, ...]:
    return (
        c.start,
        c.end,
        " ".join(c.speaker_text.split()).casefold(),
        tuple(sorted(c.attributes.items())),
    )


def compare_versions(versions: dict[str, DocumentAnnotations]) -> _Units:
    """The agreed units and the disagreements between analysts' versions of one document."""
    units = _Units()
    names = sorted(versions)
    # entities and claims: clusters of overlapping spans
    for kind in ("entity", "claim"):
        spans: list[tuple[int, int, Any]] = []
        for who in names:
            ann = versions[who]
            items: Sequence[Any] = (
                list(ann.entities.values()) if kind == "entity" else list(ann.claims.values())
            )
            spans.extend((x.start, x.end, (who, x)) for x in items)
        for cluster in _clusters(spans):
            per: dict[str, list[Any]] = {who: [] for who in names}
            for _s, _e, (who, x) in cluster:
                per[who].append(x)
            sigs: dict[tuple[Any, ...], list[str]] = {}
            for who in names:
                sig = tuple(
                    sorted(_entity_sig(x) if kind == "entity" else _claim_sig(x) for x in per[who])
                )
                sigs.setdefault(sig, []).append(who)
            options = []
            for analysts in sigs.values():
                items_of = sorted(per[analysts[0]], key=lambda x: (x.start, x.end))
                if kind == "entity":
                    options.append(Option(tuple(analysts), entities=tuple(items_of)))
                else:
                    options.append(Option(tuple(analysts), claims=tuple(items_of)))
            start = min(s for s, _e, _x in cluster)
            end = max(e for _s, e, _x in cluster)
            unit = Disagreement(f"{kind}:{start}-{end}", kind, start, end, tuple(options))
            (units.agreed if len(options) == 1 else units.disagreements).append(unit)
    # document sentiment
    labels: dict[str | None, list[str]] = {}
    for who in names:
        labels.setdefault(versions[who].document_sentiment, []).append(who)
    sentiment = Disagreement(
        "sentiment",
        "sentiment",
        -1,
        -1,
        tuple(Option(tuple(w), label=lab) for lab, w in labels.items()),
    )
    if len(labels) > 1:
        units.disagreements.append(sentiment)
    elif labels and next(iter(labels)) is not None:
        units.agreed.append(sentiment)
    # target sentiment by entity offsets (where at least one analyst set one)
    targets: dict[tuple[int, int], dict[str, str | None]] = {}
    for who in names:
        ann = versions[who]
        for t in ann.targets.values():
            span = ann.entities.get(t.entity_id)
            if span is not None:
                targets.setdefault((span.start, span.end), {})[who] = t.label
    for (s, e), per_who in sorted(targets.items()):
        by_label: dict[str | None, list[str]] = {}
        for who in names:
            by_label.setdefault(per_who.get(who), []).append(who)
        options_t = tuple(Option(tuple(w), label=lab) for lab, w in by_label.items())
        target = Disagreement(f"target:{s}-{e}", "target", s, e, options_t)
        (units.agreed if len(options_t) == 1 else units.disagreements).append(target)
    units.disagreements.sort(key=lambda d: (d.start, d.kind))
    return units


class _Decide(EditCommand):
    """Replace gold's annotations of a unit by an option, and mark the unit settled."""

    def __init__(self, adj: AdjudicationSession, unit: Disagreement, option: Option | None) -> None:
        self.adj, self.unit, self.option = adj, unit, option
        self.text = f"Settle {unit.key}"
        self._steps = adj._replacement(unit, option)

    def redo(self, target: Any) -> None:
        for step in self._steps:
            step.redo(target)
        self.adj._settle(self.unit.key, True)

    def undo(self, target: Any) -> None:
        for step in reversed(self._steps):
            step.undo(target)
        self.adj._settle(self.unit.key, False)


class _Edit(EditCommand):
    """A reviewer's own gold edit (a span no analyst marked just so); settles `key` if given."""

    def __init__(self, adj: AdjudicationSession, step: EditCommand, key: str | None) -> None:
        self.adj, self.step, self.key = adj, step, key
        self.text = step.text
        self._was_settled = key is not None and key in adj.settled

    def redo(self, target: Any) -> None:
        self.step.redo(target)
        if self.key is not None:
            self.adj._settle(self.key, True)

    def undo(self, target: Any) -> None:
        self.step.undo(target)
        if self.key is not None and not self._was_settled:
            self.adj._settle(self.key, False)


class AdjudicationSession:
    """One document being adjudicated by a reviewer; edits go to the gold annotator."""

    def __init__(self, project: Project, doc_id: str) -> None:
        self.project = project
        self.doc_id = doc_id
        self.reviewer = project.annotator
        repo = project.repo
        analysts = sorted(set(repo.annotator_names().values()) - {GOLD_ANNOTATOR})
        self.versions: dict[str, DocumentAnnotations] = {}
        for who in analysts:
            ann = repo.load_annotations(doc_id, who)
            ann.document_sentiment = repo.editor(doc_id, who).get_document_sentiment()
            if not ann.is_empty():
                self.versions[who] = ann
        self.units = compare_versions(self.versions)
        gold_project = project.as_annotator(GOLD_ANNOTATOR)
        self.gold = DocumentSession(gold_project, doc_id)
        only = repo.load_annotations(doc_id, GOLD_ANNOTATOR)
        only.document_sentiment = self.gold.annotations.document_sentiment
        self.gold.annotations = only
        self.history = UndoHistory(self.gold)
        state = adjudication(repo.engine, doc_id)
        self.settled: set[str] = set(state.settled) if state else set()
        self.listeners: list[Callable[[], None]] = []
        if state is None:
            self._seed()

    @property
    def text(self) -> str:
        return self.gold.text

    @property
    def disagreements(self) -> list[Disagreement]:
        return self.units.disagreements

    @property
    def complete(self) -> bool:
        return all(d.key in self.settled for d in self.disagreements)

    def progress(self) -> str:
        n, m = sum(d.key in self.settled for d in self.disagreements), len(self.disagreements)
        return f"{n} of {m} disagreements settled"

    def _seed(self) -> None:
        """Copy the agreed units into gold (once, when adjudication of a document starts)."""
        order = {"entity": 0, "claim": 1, "target": 2, "sentiment": 3}  # speakers, targets last
        for unit in sorted(self.units.agreed, key=lambda u: order[u.kind]):
            if unit.kind == "target" and self._gold_entity_at(unit.start, unit.end) is None:
                continue
            for step in self._replacement(unit, unit.options[0]):
                step.redo(self.gold)
        save_adjudication(self.project.repo.engine, self.doc_id, self.reviewer, (), self.complete)

    # -- decisions ----------------------------------------------------------------------------
    def decide(self, unit: Disagreement, option: Option | None) -> None:
        """Accept `option` (None: no annotation there) for `unit` into gold; undoable."""
        self.history.push(_Decide(self, unit, option))
        self._changed()

    def unit_at(self, start: int, end: int) -> Disagreement | None:
        """The entity disagreement overlapping [start, end), if any."""
        for unit in self.disagreements:
            if unit.kind == "entity" and unit.start < end and start < unit.end:
                return unit
        return None

    def add_gold_entity(self, start: int, end: int, label: str) -> EntitySpan:
        """Edit into gold: a span of the reviewer's own; settles the disagreement it overlaps."""
        if label not in self.project.schema.entity_label_names:
            raise ValueError(f"no entity label {label!r} in this project's schema")
        command = self.gold.new_entity(start, end, label)
        unit = self.unit_at(start, end)
        self.history.push(_Edit(self, command, unit.key if unit else None))
        self._changed()
        return command.span

    def remove_gold_entity(self, entity_id: str) -> None:
        """Edit into gold: take one gold span away (undoable)."""
        span = self.gold.annotations.entities.get(entity_id)
        if span is None:
            raise KeyError(f"no gold entity {entity_id}")
        unit = self.unit_at(span.start, span.end)
        self.history.push(_Edit(self, RemoveEntity(entity_id), unit.key if unit else None))
        self._changed()

    def gold_entity_in(self, start: int, end: int) -> EntitySpan | None:
        """The shortest gold span overlapping [start, end) (or containing the caret)."""
        hits = [
            e
            for e in self.gold.annotations.entities.values()
            if (e.start < end and start < e.end) or (start == end and e.start <= start < e.end)
        ]
        return min(hits, key=lambda e: e.end - e.start, default=None)

    def undo(self) -> bool:
        done = self.history.undo() is not None
        self._changed()
        return done

    def redo(self) -> bool:
        done = self.history.redo() is not None
        self._changed()
        return done

    def _changed(self) -> None:
        for listener in list(self.listeners):
            listener()

    def _settle(self, key: str, settled: bool) -> None:
        if settled:
            self.settled.add(key)
        else:
            self.settled.discard(key)
        save_adjudication(
            self.project.repo.engine, self.doc_id, self.reviewer, self.settled, self.complete
        )

    def _gold_entity_at(self, start: int, end: int) -> EntitySpan | None:
        for e in self.gold.annotations.entities.values():
            if (e.start, e.end) == (start, end):
                return e
        return None

    def _target_entity(self, unit: Disagreement, option: Option | None) -> EntitySpan:
        """The entity carrying the target sentiment of `option` in an analyst's version."""
        for who in option.analysts if option else ():
            ann = self.versions[who]
            for t in ann.targets.values():
                span = ann.entities.get(t.entity_id)
                if span is not None and (span.start, span.end) == (unit.start, unit.end):
                    return span
        raise ValueError(f"no analyst's entity at {unit.start}-{unit.end} carries this sentiment")

    def _add_steps(self, option: Option) -> list[EditCommand]:
        steps: list[EditCommand] = []
        for e in option.entities:
            steps.append(AddEntity(EntitySpan(new_id(), e.start, e.end, e.label, GOLD_ANNOTATOR)))
        for c in option.claims:
            speaker = None
            source = self.versions[option.analysts[0]].entities.get(c.speaker_id or "")
            if source is not None:
                match = self._gold_entity_at(source.start, source.end)
                speaker = match.id if match else None
            steps.append(
                AddClaim(
                    Claim(
                        new_id(),
                        c.start,
                        c.end,
                        speaker,
                        c.speaker_text,
                        dict(c.attributes),
                        GOLD_ANNOTATOR,
                    )
                )
            )
        return steps

    def _replacement(self, unit: Disagreement, option: Option | None) -> list[EditCommand]:
        steps: list[EditCommand] = []
        gold = self.gold.annotations
        if unit.kind == "entity":
            for e in list(gold.entities.values()):
                if e.start < unit.end and unit.start < e.end:
                    steps.append(RemoveEntity(e.id))
        elif unit.kind == "claim":
            for c in list(gold.claims.values()):
                if c.start < unit.end and unit.start < c.end:
                    steps.append(RemoveClaim(c.id))
        elif unit.kind == "sentiment":
            steps.append(SetDocumentSentiment(option.label if option else None))
            return steps
        else:  # target
            label = option.label if option else None
            entity = self._gold_entity_at(unit.start, unit.end)
            if entity is None and label is None:
                return steps  # no sentiment there, and no entity to carry one: nothing to do
            if entity is None:  # bring the entity in with its sentiment (one undoable step)
                source = self._target_entity(unit, option)
                entity = EntitySpan(
                    new_id(), source.start, source.end, source.label, GOLD_ANNOTATOR
                )
                steps.append(AddEntity(entity))
            steps.append(SetTargetSentiment(entity.id, label, new_id()))
            return steps
        if option is not None:
            steps.extend(self._add_steps(option))
        return steps


def adjudication_refusal(project: Project) -> str | None:
    """Why this session may not adjudicate (write gold), or None when it may.

    A project file: anyone who opens it. A server project: its owner, reviewers and admins
    (the database enforces the same, see `annotator.storage.gold`).
    """
    if not is_team_project(project):
        return None
    roles = my_roles(project)
    if {"reviewer", "admin"} & set(roles) or is_owner(project.repo.engine):
        return None
    held = ", ".join(roles) if roles else "none"
    return f"Only reviewers and admins can adjudicate into gold (your project roles: {held})."


# -- the queue of documents --------------------------------------------------------------------
@dataclass(frozen=True)
class QueueEntry:
    doc_id: str
    title: str
    disagreements: int
    analysts: tuple[str, ...]
    complete: bool


def _per_doc(table: AnnotationTable) -> dict[str, int]:
    counts: dict[str, int] = {}
    for part in (table.entities, table.claims):
        for doc, per in part.items():
            counts[doc] = counts.get(doc, 0) + disagreement_count(per)
    for doc, labels in table.document_sentiments.items():
        if len(set(labels.values())) > 1:
            counts[doc] = counts.get(doc, 0) + 1
    return counts


def adjudication_queue(project: Project) -> list[QueueEntry]:
    """Documents annotated by at least two analysts that disagree, worst first."""
    with no_cyclic_gc():  # millions of tuples without cycles: off until they are freed
        table = annotation_table(project)
        annotated = table.annotated_by()
        counts = _per_doc(table)
        del table
    states = all_adjudications(project.repo.engine)
    titles = document_titles(project.repo.engine)
    out = []
    for doc, n in counts.items():
        who = annotated.get(doc, set())
        if n and len(who) >= 2:
            state = states.get(doc)
            out.append(
                QueueEntry(
                    doc, titles.get(doc, doc), n, tuple(sorted(who)), bool(state and state.complete)
                )
            )
    out.sort(key=lambda q: (q.complete, -q.disagreements, q.title))
    return out
