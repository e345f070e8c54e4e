"""The project's gazetteer: stored in the project, edited in the app, imported from CSV or
text files, and run over the corpus as a suggester.

File formats:
- CSV (`.csv`, `.tsv`): `label,term` per row, optionally a third column `type` that is
  `term` (the default) or `regex`; a first row `label,term[,type]` is a header.
- Text (any other suffix): one term per line for the label given; a line `re:PATTERN` is a
  regular expression; blank lines and lines starting with `#` are skipped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.gazetteer import Gazetteer, GazetteerEntry, GazetteerError, GazetteerMatcher
from annotator.core.ids import new_id
from annotator.core.model import AnnotatedDocument
from annotator.core.suggestions import GAZETTEER_SOURCE, Suggestion, SuggestionKind
from annotator.services.project import Project
from annotator.services.suggesters import Propose, SuggestRun, run_suggester

__all__ = [
    "GazetteerError",
    "GazetteerFile",
    "load_gazetteer",
    "read_gazetteer_file",
    "save_gazetteer",
    "suggest_gazetteer",
]

GAZETTEER_KEY = "gazetteer"


def load_gazetteer(project: Project) -> Gazetteer:
    return Gazetteer.from_dict(project.repo.get_meta(GAZETTEER_KEY))


def save_gazetteer(project: Project, gazetteer: Gazetteer) -> None:
    """Store the gazetteer; refused (GazetteerError) for labels outside the schema or
    invalid patterns."""
    gazetteer.validate()
    names = {label.name for label in project.schema.entity_labels}
    unknown = sorted({e.label for e in gazetteer.entries} - names)
    if unknown:
        raise GazetteerError(f"labels not in the project's schema: {', '.join(unknown)}")
    project.repo.set_meta(GAZETTEER_KEY, gazetteer.to_dict())


@dataclass
class GazetteerFile:
    """What a file held: the entries, and each line that could not be used (file:line)."""

    gazetteer: Gazetteer = field(default_factory=Gazetteer)
    problems: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return self.gazetteer.size


def read_gazetteer_file(
    path: str | Path, label: str | None = None, ignore_case: bool = False
) -> GazetteerFile:
    """Read terms and patterns from a CSV or text file (see the module's docstring)."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise GazetteerError(f"{path}: not UTF-8 text") from None
    terms: dict[str, list[str]] = {}
    patterns: dict[str, list[str]] = {}
    problems: list[str] = []

    def add(line_no: int, lab: str, value: str, kind: str) -> None:
        lab, value = lab.strip(), value.strip()
        if not lab:
            problems.append(f"{path}:{line_no}: no label")
            return
        if not value:
            problems.append(f"{path}:{line_no}: no term")
            return
        if kind == "regex":
            try:
                GazetteerEntry(lab, patterns=(value,)).validate()
            except GazetteerError as exc:
                problems.append(f"{path}:{line_no}: {exc}")
                return
            patterns.setdefault(lab, []).append(value)
        elif kind == "term":
            terms.setdefault(lab, []).append(value)
        else:
            problems.append(f"{path}:{line_no}: type must be 'term' or 'regex', not {kind!r}")

    if path.suffix.lower() in (".csv", ".tsv"):
        dialect = "excel-tab" if path.suffix.lower() == ".tsv" else "excel"
        for line_no, row in enumerate(csv.reader(io.StringIO(raw), dialect), 1):
            if not row or not "".join(row).strip():
                continue
            if line_no == 1 and [c.strip().lower() for c in row[:2]] == ["label", "term"]:
                continue
            if len(row) < 2:
                problems.append(f"{path}:{line_no}: expected label,term[,type]")
                continue
            kind = row[2].strip().lower() if len(row) > 2 and row[2].strip() else "term"
            add(line_no, label or row[0], row[1], kind)
    else:
        if not label:
            raise GazetteerError(f"{path}: a text file of terms needs a label")
        for line_no, line in enumerate(raw.splitlines(), 1):
            text = line.strip()
            if not text or text.startswith("#"):
                continue
            if text.startswith("re:"):
                add(line_no, label, text[3:], "regex")
            else:
                add(line_no, label, text, "term")
    entries = tuple(
        GazetteerEntry(
            lab,
            tuple(dict.fromkeys(terms.get(lab, []))),
            tuple(dict.fromkeys(patterns.get(lab, []))),
            ignore_case,
        )
        for lab in dict.fromkeys([*terms, *patterns])
    )
    return GazetteerFile(Gazetteer(entries), problems)


def gazetteer_proposer(gazetteer: Gazetteer) -> Propose:
    matcher = GazetteerMatcher(gazetteer)

    def propose(item: AnnotatedDocument) -> list[Suggestion]:
        doc = item.document
        tagged = {(e.start, e.end, e.label) for e in item.annotations.entities.values()}
        return [
            Suggestion(
                new_id(),
                doc.id,
                SuggestionKind.ENTITY,
                start,
                end,
                label,
                GAZETTEER_SOURCE,
                0.9 if from_pattern else 1.0,
            )
            for start, end, label, from_pattern in matcher.matches(doc.text)
            if (start, end, label) not in tagged
        ]

    return propose


def suggest_gazetteer(
    project: Project,
    gazetteer: Gazetteer | None = None,
    documents: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> SuggestRun:
    """Suggest entities wherever the gazetteer (default: the project's) matches."""
    gazetteer = load_gazetteer(project) if gazetteer is None else gazetteer
    if not gazetteer.size:
        raise GazetteerError("the gazetteer is empty: add terms first (Suggest ▸ Gazetteer)")
    propose = gazetteer_proposer(gazetteer)
    return run_suggester(project, GAZETTEER_SOURCE, propose, documents, progress, cancelled)
