"""`annotator merge A B [C ...] --out OUT`: analysts' projects into one, verified.

Documents are matched by content hash; every analyst's annotations, sentiments and claims
stay under their annotator with their ids (where free) and timestamps; the label schemas
are united (a name defined differently in two projects is refused before anything is
written); document status, timestamps, meta, assignments and adjudications are kept (see
`annotator.storage.merging` for the rules). At the end every source's documents and
annotations are checked to be in OUT. Merging again changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from annotator.core.schema import ClaimAttribute, EntityLabel, LabelSchema, SentimentLabel
from annotator.services.project import Project, ProjectError, open_project
from annotator.storage import sqlite_path
from annotator.storage.merging import MergeCounts, content_keys, merge_rows
from annotator.storage.postgres import display_url


class SchemaConflict(ProjectError):
    """Two projects define a label, attribute or sentiment differently."""


@dataclass
class MergeReport:
    sources: list[str]
    per_source: list[MergeCounts]
    documents: int
    conflicts: list[str] = field(default_factory=list)

    @property
    def added(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for counts in self.per_source:
            total.update(counts.added)
        return total

    def summary(self) -> str:
        added = self.added
        annotations = sum(
            added[t] for t in ("entity_spans", "claims", "target_sentiments", "document_sentiments")
        )
        new_docs = sum(c.documents_added for c in self.per_source)
        text = (
            f"merged {len(self.sources)} projects: {self.documents} documents in all "
            f"({new_docs} added), {annotations} annotations added; every source verified"
        )
        if self.conflicts:
            text += f"; {len(self.conflicts)} conflicts (first kept)"
        return text


def _shown(location: str) -> str:
    return location if sqlite_path(location) is not None else display_url(location)


def unite_schemas(base: LabelSchema, other: LabelSchema, where: str) -> LabelSchema:
    """`base` with the labels, attributes and sentiments of `other` it lacks.

    Refused (SchemaConflict) where one name has two definitions: an entity label's
    description, a claim attribute's choices or default. Colours and hotkeys are
    presentation: `base`'s win; an added name whose hotkey is taken gets none.
    """
    problems: list[str] = []
    labels = list(base.entity_labels)
    known = {lab.name: lab for lab in labels}
    keys = {lab.hotkey.upper() for lab in labels if lab.hotkey}
    keys |= {s.hotkey.upper() for s in base.sentiment_labels if s.hotkey}
    keys.add(base.claim_hotkey.upper())
    for lab in other.entity_labels:
        mine = known.get(lab.name)
        if mine is None:
            added: EntityLabel = lab
            if lab.hotkey and lab.hotkey.upper() in keys:
                added = replace(lab, hotkey="")
            keys.add(added.hotkey.upper())
            labels.append(added)
        elif mine.description.strip() != lab.description.strip():
            problems.append(
                f"entity label {lab.name!r} is described as {mine.description!r} here and "
                f"{lab.description!r} in {where}"
            )
    attributes = list(base.claim_attributes)
    by_name = {a.name: a for a in attributes}
    for attr in other.claim_attributes:
        mine_a: ClaimAttribute | None = by_name.get(attr.name)
        if mine_a is None:
            attributes.append(attr)
        elif (tuple(mine_a.choices), mine_a.default) != (tuple(attr.choices), attr.default):
            problems.append(
                f"claim attribute {attr.name!r} has choices {list(mine_a.choices)} "
                f"(default {mine_a.default!r}) here and {list(attr.choices)} "
                f"(default {attr.default!r}) in {where}"
            )
    sentiments = list(base.sentiment_labels)
    names = {s.name for s in sentiments}
    for sent in other.sentiment_labels:
        if sent.name not in names:
            extra: SentimentLabel = sent
            if sent.hotkey and sent.hotkey.upper() in keys:
                extra = replace(sent, hotkey="")
            keys.add(extra.hotkey.upper())
            sentiments.append(extra)
            names.add(sent.name)
    if problems:
        raise SchemaConflict(
            "the label schemas conflict, nothing was merged: " + "; ".join(problems)
        )
    united = replace(
        base,
        entity_labels=tuple(labels),
        claim_attributes=tuple(attributes),
        sentiment_labels=tuple(sentiments),
    )
    united.validate()
    return united


def merge_projects(
    sources: Sequence[str | Path],
    out: str | Path,
    progress: Callable[[str, int], None] | None = None,
) -> MergeReport:
    """Merge `sources` (project files or database URLs) into `out` (created if needed)."""
    locations = [str(s) for s in sources]
    target = str(out)
    if len(locations) < 1:
        raise ProjectError("name at least one project to merge")
    out_path = sqlite_path(target)
    for loc in locations:
        path = sqlite_path(loc)
        if (path is not None and out_path is not None and path.resolve() == out_path.resolve()) or (
            path is None and loc == target
        ):
            raise ProjectError(f"{_shown(loc)} is also the output; merge into another project")
    opened: list[Project] = []
    try:
        for loc in locations:
            opened.append(open_project(loc, create=False, lock=False, backup=False))
        with open_project(target, create=True) as dst:
            schema, version = dst.repo.load_schema_versioned()
            base = schema if version else opened[0].schema
            united = base
            for src in opened:
                united = unite_schemas(united, src.schema, _shown(src.location))
            if united != schema or not version:
                dst.save_schema(united)
            per_source = []
            conflicts: list[str] = []
            for src in opened:
                name = _shown(src.location)

                def step(n: int, name: str = name) -> None:
                    if progress is not None:
                        progress(name, n)

                counts = merge_rows(src.repo.engine, dst.repo.engine, step)
                per_source.append(counts)
                conflicts.extend(f"{name}: {c}" for c in counts.conflicts)
            documents = _verify(opened, dst)
    finally:
        for src in opened:
            src.close()
    return MergeReport([_shown(s) for s in locations], per_source, documents, conflicts)


def _verify(sources: Sequence[Project], dst: Project) -> int:
    """Every source document is in `dst` with (at least) all its annotations."""
    merged = content_keys(dst.repo.engine)
    for src in sources:
        for digest, keys in content_keys(src.repo.engine).items():
            have = merged.get(digest)
            if have is None:
                raise ProjectError(
                    f"merge check failed: a document of {_shown(src.location)} is missing"
                )
            missing = keys - have
            # a conflicting sentiment of the same annotator keeps the first file's label
            missing = Counter(
                {k: n for k, n in missing.items() if k[0] not in ("sentiment", "target")}
            )
            if missing:
                raise ProjectError(
                    f"merge check failed: {sum(missing.values())} annotations of "
                    f"{_shown(src.location)} are missing"
                )
    return len(merged)
