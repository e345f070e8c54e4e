"""The result of an import: the summary and every refused file with its file:line reason."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from annotator.services.importing import ImportReport
from annotator.ui.plain import plain_label


def report_text(report: ImportReport) -> str:
    lines = [str(problem) for problem in report.problems]
    if report.skipped_files:
        lines.append("")
        lines.append("Ignored (not an article or JSONL file):")
        lines.extend(report.skipped_files)
    return "\n".join(lines)


class ImportReportDialog(QDialog):
    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import finished")
        self.setAccessibleName("Import report")
        summary = report.summary()
        self.summary = plain_label(summary[:1].upper() + summary[1:] + ".")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Import summary")
        self.details = QPlainTextEdit(readOnly=True)
        self.details.setAccessibleName("Refused files")
        self.details.setPlainText(report_text(report))
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        if report.problems:
            layout.addWidget(plain_label(f"Refused ({report.refused}):"))
        if report.problems or report.skipped_files:
            layout.addWidget(self.details)
        else:
            self.details.hide()
        layout.addWidget(buttons)
        self.resize(640, 380 if (report.problems or report.skipped_files) else 120)
