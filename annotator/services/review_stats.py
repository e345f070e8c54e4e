"""The statistics people look at: label counts, throughput, documents done, agreement."""

from __future__ import annotations

from typing import Any

from annotator.core.model import ProjectStats
from annotator.services.agreement import project_agreement
from annotator.services.project import Project
from annotator.storage.gold import GOLD_ANNOTATOR
from annotator.storage.review_reads import annotations_per_day, documents_done_per_day


def stats_json(stats: ProjectStats) -> dict[str, Any]:
    """The basic counts (the keys `annotator stats --json` always had)."""
    return {
        "documents": stats.documents,
        "by_status": dict(stats.by_status),
        "entities": stats.entities,
        "claims": stats.claims,
        "target_sentiments": stats.target_sentiments,
        "document_sentiments": stats.document_sentiments,
        "labels": dict(stats.labels),
        "annotators": dict(stats.annotators),
        "annotations_today": stats.annotations_today,
    }


def review_statistics(project: Project) -> dict[str, Any]:
    """Throughput per analyst per day, documents done per day, and F1 per label.

    `agreement_per_label` is the mean exact-match F1 over pairs of analysts (see
    `annotator.core.agreement`), {} with fewer than two analysts.
    """
    throughput = annotations_per_day(project.repo.engine)
    throughput.pop(GOLD_ANNOTATOR, None)
    analysts = sorted(set(project.repo.annotator_names().values()) - {GOLD_ANNOTATOR})
    per_label: dict[str, float | None] = {}
    if len(analysts) >= 2:
        try:
            report = project_agreement(project)
        except ValueError:  # fewer than two analysts have annotated anything
            report = None
        if report is not None:
            per_label = {lab: row["f1"] for lab, row in report["entities"]["per_label"].items()}
    return {
        "throughput": throughput,
        "documents_done_per_day": documents_done_per_day(project.repo.engine),
        "agreement_per_label": per_label,
    }
