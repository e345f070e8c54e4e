"""Review ▸ Statistics: label counts, throughput, documents done over time, agreement."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGridLayout, QVBoxLayout, QWidget

from annotator.services.project import Project
from annotator.services.review_stats import review_statistics, stats_json
from annotator.services.statistics import project_stats
from annotator.ui.plain import plain_label, problem_label
from annotator.ui.review.background import load
from annotator.ui.review.charts import BarChart, LineChart, stacked_totals


def statistics_data(project: Project) -> dict[str, Any]:
    return {**stats_json(project_stats(project)), **review_statistics(project)}


class StatisticsDialog(QDialog):
    """Four charts; the data is read on a worker thread."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Statistics — {project.display_name}")
        self.resize(1000, 640)
        self.summary = plain_label("Counting…")
        self.problem = problem_label("Statistics problem")
        self.labels = BarChart("Entities per label")
        self.throughput = LineChart("Annotations per analyst per day")
        self.analysts = BarChart("Annotations per analyst")
        self.done_chart = LineChart("Documents done per day")
        self.agreement = BarChart("Agreement per label (F1, mean over pairs)")
        grid = QGridLayout()
        grid.addWidget(self.labels, 0, 0)
        grid.addWidget(self.agreement, 0, 1)
        grid.addWidget(self.throughput, 1, 0)
        grid.addWidget(self.done_chart, 1, 1)
        grid.addWidget(self.analysts, 2, 0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.problem)
        layout.addLayout(grid)
        layout.addWidget(buttons)
        self.data: dict[str, Any] | None = None
        self.task = load(self, lambda: statistics_data(project), self.show_data, self.show_problem)

    def show_problem(self, message: str) -> None:
        self.summary.setText("")
        self.problem.setText(f"Cannot read the statistics: {message}")

    def show_data(self, data: dict[str, Any]) -> None:
        self.data = data
        by = data["by_status"]
        self.summary.setText(
            f"{data['documents']:,} documents ({by.get('done', 0):,} done), "
            f"{data['entities']:,} entities, {data['claims']:,} claims, "
            f"{len(data['throughput'])} analysts"
        )
        self.labels.set_values(data["labels"])
        self.agreement.set_values(data["agreement_per_label"], maximum=1.0)
        self.throughput.set_series(data["throughput"])
        self.analysts.set_values(stacked_totals(data["throughput"]))
        self.done_chart.set_series({"done": data["documents_done_per_day"]})
