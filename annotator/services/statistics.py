"""Project statistics for the status bar and `annotator stats`."""

from __future__ import annotations

from datetime import datetime, timezone

from annotator.core.model import ProjectStats
from annotator.services.project import Project


def start_of_today() -> datetime:
    """Local midnight, as an aware UTC datetime."""
    local = datetime.now().astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(timezone.utc)


def project_stats(project: Project) -> ProjectStats:
    return project.bulk.stats(since=start_of_today())


def format_stats(stats: ProjectStats) -> str:
    lines = [
        f"documents: {stats.documents} "
        + "("
        + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in stats.by_status.items())
        + ")",
        f"entities: {stats.entities}",
        f"claims: {stats.claims}",
        f"target sentiments: {stats.target_sentiments}",
        f"document sentiments: {stats.document_sentiments}",
        f"annotations today: {stats.annotations_today}",
    ]
    if stats.labels:
        lines.append("labels: " + ", ".join(f"{k} {v}" for k, v in stats.labels.items()))
    if stats.annotators:
        lines.append("annotators: " + ", ".join(f"{k} {v}" for k, v in stats.annotators.items()))
    return "\n".join(lines)
