"""Agreement between analysts of a project (`annotator agreement`, Review ▸ Agreement)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annotator.core.agreement import AnnotationTable, agreement_report
from annotator.services.project import Project
from annotator.storage.gold import GOLD_ANNOTATOR
from annotator.storage.review_reads import no_cyclic_gc, read_annotation_table


def annotation_table(project: Project, annotators: Sequence[str] | None = None) -> AnnotationTable:
    """Every analyst's annotations as plain tuples (the gold layer left out unless named)."""
    table = read_annotation_table(project.repo.engine, annotators)
    if annotators is None or GOLD_ANNOTATOR not in annotators:
        for part in (
            table.entities,
            table.claims,
            table.document_sentiments,
            table.target_sentiments,
        ):
            for per in part.values():
                per.pop(GOLD_ANNOTATOR, None)
    return table


def project_agreement(project: Project, annotators: Sequence[str] | None = None) -> dict[str, Any]:
    """The agreement report (see `annotator.core.agreement`) of the project's analysts."""
    # Millions of tuples without cycles: the cycle collector stays off until they are freed
    # (turned on while they live, its first pass would walk them all).
    with no_cyclic_gc():
        table = annotation_table(project, annotators)
        if annotators is not None:
            known = set(project.repo.annotator_names().values())
            unknown = [a for a in annotators if a not in known]
            if unknown:
                raise ValueError(f"no annotator named {', '.join(unknown)} in this project")
        report = agreement_report(table, annotators)
        del table
    return report


def format_agreement(report: dict[str, Any]) -> str:
    """The report as a few lines of text for the terminal."""

    def f(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.3f}"

    ents = report["entities"]
    lines = [
        "annotators: " + ", ".join(report["annotators"]),
        f"entities: micro F1 {f(ents['micro_f1'])}, "
        f"relaxed (overlap) {f(ents['relaxed_micro_f1'])}",
    ]
    for label, row in ents["per_label"].items():
        lines.append(
            f"  {label:<12} P {f(row['precision'])}  R {f(row['recall'])}  "
            f"F1 {f(row['f1'])}  support {row['support']}"
        )
    if len(ents["pairs"]) > 1:
        for pair in ents["pairs"]:
            a, b = pair["annotators"]
            lines.append(
                f"  pair {a} / {b}: micro F1 {f(pair['micro_f1'])} on {pair['documents']} documents"
            )
    claims = report["claims"]
    lines.append(
        f"claims: span F1 {f(claims['span_f1'])}, speaker agreement on matched "
        f"{f(claims['speaker_agreement'])} ({claims['matched']} matched)"
    )
    doc = report["document_sentiment"]
    lines.append(
        f"document sentiment: Cohen's kappa {f(doc['cohen_kappa'])}, "
        f"Krippendorff's alpha {f(doc['krippendorff_alpha'])} ({doc['units']} documents)"
    )
    tgt = report["target_sentiment"]
    lines.append(
        f"target sentiment: Krippendorff's alpha {f(tgt['krippendorff_alpha'])} "
        f"({tgt['units']} entities)"
    )
    return "\n".join(lines)
