"""Suggestions from a spaCy pipeline the analyst names: an installed package or a folder.

The pipeline's entity labels are mapped to the schema's (`label_map`; by default a label
that the schema has keeps its name, and a few common names are translated); entities whose
label maps to nothing are dropped and counted. The source names the model and its version.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from annotator.core.ids import new_id
from annotator.core.model import AnnotatedDocument
from annotator.core.suggestions import Suggestion, SuggestionKind
from annotator.services.project import Project
from annotator.services.suggesters import SuggestRun, run_suggester

COMMON_LABELS: Mapping[str, str] = {"PER": "PERSON", "PERS": "PERSON", "LOC": "LOC", "ORG": "ORG"}


class PipelineUnavailable(ValueError):
    """spaCy is not installed, or the named pipeline cannot be loaded."""


def load_pipeline(name: str) -> Any:
    try:
        import spacy
    except ImportError:
        raise PipelineUnavailable(
            "spaCy is not installed: pip install 'annotator[spacy]'"
        ) from None
    try:
        return spacy.load(name)
    except (OSError, ValueError, ImportError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PipelineUnavailable(f"cannot load the spaCy pipeline {name!r}: {first}") from None


def model_source(nlp: Any) -> str:
    """'spacy:<lang>_<name>@<version>' from the pipeline's meta."""
    meta = getattr(nlp, "meta", {}) or {}
    lang = meta.get("lang", "")
    name = meta.get("name", "pipeline")
    full = name if not lang or name.startswith(f"{lang}_") else f"{lang}_{name}"
    return f"spacy:{full}@{meta.get('version', '0')}"


def default_label_map(nlp_labels: Sequence[str], schema_labels: Sequence[str]) -> dict[str, str]:
    names = set(schema_labels)
    mapping = {}
    for label in nlp_labels:
        if label in names:
            mapping[label] = label
        elif COMMON_LABELS.get(label) in names:
            mapping[label] = COMMON_LABELS[label]
    return mapping


def pipeline_labels(nlp: Any) -> list[str]:
    labels: set[str] = set()
    for _name, pipe in getattr(nlp, "pipeline", []):
        labels.update(getattr(pipe, "labels", ()) or ())
    return sorted(labels)


def suggest_spacy(
    project: Project,
    model: str,
    label_map: Mapping[str, str] | None = None,
    documents: Sequence[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    nlp: Any = None,
) -> tuple[SuggestRun, dict[str, int]]:
    """Run the pipeline `model` over the documents; returns the run and the dropped labels
    (model label -> entities dropped because the schema has no label for it)."""
    nlp = load_pipeline(model) if nlp is None else nlp
    schema_labels = [label.name for label in project.schema.entity_labels]
    mapping = dict(label_map) if label_map is not None else {}
    if label_map is None:
        mapping = default_label_map(pipeline_labels(nlp), schema_labels)
    unknown = sorted(set(mapping.values()) - set(schema_labels))
    if unknown:
        raise ValueError(f"label map names labels not in the schema: {', '.join(unknown)}")
    source = model_source(nlp)
    dropped: dict[str, int] = {}

    def propose(item: AnnotatedDocument) -> list[Suggestion]:
        doc = item.document
        tagged = {(e.start, e.end, e.label) for e in item.annotations.entities.values()}
        out = []
        for ent in nlp(doc.text).ents:
            label = mapping.get(ent.label_) or (
                ent.label_ if label_map is None and ent.label_ in schema_labels else None
            )
            if label is None:
                dropped[ent.label_] = dropped.get(ent.label_, 0) + 1
                continue
            span = (ent.start_char, ent.end_char, label)
            if span in tagged or ent.end_char <= ent.start_char:
                continue
            out.append(
                Suggestion(
                    new_id(), doc.id, SuggestionKind.ENTITY, span[0], span[1], label, source, 1.0
                )
            )
        return out

    run = run_suggester(project, source, propose, documents, progress, cancelled)
    return run, dropped
