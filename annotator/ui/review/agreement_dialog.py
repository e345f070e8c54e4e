"""Review ▸ Agreement: the agreement report as tables (computed on a worker thread)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.services.agreement import project_agreement
from annotator.services.project import Project
from annotator.ui.plain import plain_label, problem_label
from annotator.ui.review.background import load


def figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _table(headers: Sequence[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setAccessibleName(name)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.setItem(r, c, QTableWidgetItem(value))


class AgreementDialog(QDialog):
    def __init__(
        self,
        project: Project,
        parent: QWidget | None = None,
        annotators: Sequence[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Agreement — {project.display_name}")
        self.resize(760, 620)
        self.summary = plain_label("Computing agreement…")
        self.summary.setWordWrap(True)
        self.problem = problem_label("Agreement problem")
        self.per_label = _table(["Label", "Precision", "Recall", "F1", "Support"], "Per label")
        self.pairs = _table(
            ["First (reference)", "Second", "Documents", "Micro F1", "Relaxed F1", "Claims F1"],
            "Pairs of analysts",
        )
        note = plain_label(
            "Exact match on start, end and label; precision and recall take the first analyst "
            "of a pair as the reference. Only documents both analysts annotated count."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.summary, self.problem, self.per_label, self.pairs, note, buttons):
            layout.addWidget(widget)
        self.report: dict[str, Any] | None = None
        names = list(annotators) if annotators is not None else None
        self.task = load(
            self, lambda: project_agreement(project, names), self.show_report, self.fail
        )

    def fail(self, message: str) -> None:
        self.summary.setText("")
        self.problem.setText(f"No agreement to show: {message}")

    def show_report(self, report: dict[str, Any]) -> None:
        self.report = report
        ents, claims = report["entities"], report["claims"]
        doc, target = report["document_sentiment"], report["target_sentiment"]
        self.summary.setText(
            f"Analysts: {', '.join(report['annotators'])}. Entities: micro F1 "
            f"{figure(ents['micro_f1'])}, relaxed (overlap) {figure(ents['relaxed_micro_f1'])}. "
            f"Claims: span F1 {figure(claims['span_f1'])}, same speaker on "
            f"{figure(claims['speaker_agreement'])} of {claims['matched']} matched. "
            f"Document sentiment: Cohen's kappa {figure(doc['cohen_kappa'])}, Krippendorff's "
            f"alpha {figure(doc['krippendorff_alpha'])} ({doc['units']} documents). Target "
            f"sentiment: alpha {figure(target['krippendorff_alpha'])} ({target['units']})."
        )
        _fill(
            self.per_label,
            [
                [
                    label,
                    figure(r["precision"]),
                    figure(r["recall"]),
                    figure(r["f1"]),
                    str(r["support"]),
                ]
                for label, r in ents["per_label"].items()
            ],
        )
        claim_f1 = {tuple(p["annotators"]): p["span_f1"] for p in claims["pairs"]}
        _fill(
            self.pairs,
            [
                [
                    *p["annotators"],
                    str(p["documents"]),
                    figure(p["micro_f1"]),
                    figure(p["relaxed_micro_f1"]),
                    figure(claim_f1.get(tuple(p["annotators"]))),
                ]
                for p in ents["pairs"]
            ],
        )
