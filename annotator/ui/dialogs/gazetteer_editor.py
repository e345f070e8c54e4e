"""The gazetteer editor: terms and regular expressions per entity label, stored in the
project; terms can be imported from a CSV or text file (see services.gazetteers)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.gazetteer import Gazetteer, GazetteerEntry, GazetteerError
from annotator.services.gazetteers import load_gazetteer, read_gazetteer_file, save_gazetteer
from annotator.services.project import Project
from annotator.ui.plain import PROBLEM_STYLE, plain_label


def _lines(edit: QPlainTextEdit) -> tuple[str, ...]:
    return tuple(dict.fromkeys(x.strip() for x in edit.toPlainText().splitlines() if x.strip()))


class GazetteerEditor(QDialog):
    """Edits one label's entry at a time; switching labels keeps the other edits."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Gazetteer")
        self.resize(560, 520)
        self.project = project
        self.entries: dict[str, GazetteerEntry] = {
            e.label: e for e in load_gazetteer(project).entries
        }
        self.label = QComboBox()
        self.label.setAccessibleName("Label")
        for lab in project.schema.entity_labels:
            self.label.addItem(lab.name)
        self.terms = QPlainTextEdit()
        self.terms.setAccessibleName("Terms, one a line")
        self.patterns = QPlainTextEdit()
        self.patterns.setAccessibleName("Regular expressions, one a line")
        self.patterns.setMaximumHeight(110)
        self.ignore_case = QCheckBox("Ignore case")
        self.import_button = QPushButton("&Import terms from a file…")
        self.import_button.clicked.connect(self._import)
        self.summary = plain_label("")
        self.problem = plain_label("")
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&Label", self.label)
        form.addRow("&Terms (one a line)", self.terms)
        form.addRow("&Patterns (regular expressions)", self.patterns)
        form.addRow("", self.ignore_case)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.import_button)
        layout.addWidget(self.summary)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self._shown = ""
        self.label.currentTextChanged.connect(self._show)
        self._show(self.label.currentText())

    def _keep(self) -> None:
        if self._shown:
            self.entries[self._shown] = GazetteerEntry(
                self._shown, _lines(self.terms), _lines(self.patterns), self.ignore_case.isChecked()
            )

    def _show(self, label: str) -> None:
        self._keep()
        entry = self.entries.get(label) or GazetteerEntry(label)
        self._shown = label
        self.terms.setPlainText("\n".join(entry.terms))
        self.patterns.setPlainText("\n".join(entry.patterns))
        self.ignore_case.setChecked(entry.ignore_case)
        self._count()

    def _count(self) -> None:
        n = sum(len(e.terms) + len(e.patterns) for e in self.entries.values())
        self.summary.setText(f"{n} terms and patterns for {len(self.entries)} labels")

    def gazetteer(self) -> Gazetteer:
        self._keep()
        return Gazetteer(tuple(e for e in self.entries.values() if e.terms or e.patterns))

    def import_file(self, path: str) -> None:
        """Add a file's terms: a text file to the label shown, a CSV to the labels it names."""
        try:
            read = read_gazetteer_file(
                path, None if path.lower().endswith((".csv", ".tsv")) else self._shown
            )
        except (GazetteerError, OSError) as exc:
            self.problem.setText(str(exc))
            return
        merged = self.gazetteer().merged(read.gazetteer)
        self.entries = {e.label: e for e in merged.entries}
        self._shown = ""
        self._show(self.label.currentText())
        problems = read.problems[:5] + (["…"] if len(read.problems) > 5 else [])
        self.problem.setText("\n".join(problems))

    def _import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import terms", "", "Terms (*.csv *.tsv *.txt);;All files (*)"
        )
        if path:
            self.import_file(path)

    def save(self) -> None:
        try:
            save_gazetteer(self.project, self.gazetteer())
        except GazetteerError as exc:
            self.problem.setText(str(exc))
            return
        self.accept()
