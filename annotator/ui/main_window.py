"""Main window (minimal reader; the full workbench replaces this)."""

from __future__ import annotations

from PySide6.QtWidgets import QListWidget, QListWidgetItem, QMainWindow, QPlainTextEdit, QSplitter

from annotator.services.project import Project


class MainWindow(QMainWindow):
    def __init__(self, project: Project) -> None:
        super().__init__()
        self.project = project
        self.setWindowTitle(f"{project.display_name} — Annotator")
        self.documents = QListWidget()
        self.view = QPlainTextEdit(readOnly=True)
        splitter = QSplitter()
        splitter.addWidget(self.documents)
        splitter.addWidget(self.view)
        splitter.setSizes([250, 750])
        self.setCentralWidget(splitter)
        self.resize(1100, 700)
        for summary in project.repo.list_documents():
            item = QListWidgetItem(summary.title)
            item.setData(256, summary.id)
            self.documents.addItem(item)
        self.documents.currentItemChanged.connect(self._show)
        if self.documents.count():
            self.documents.setCurrentRow(0)

    def _show(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        self.view.setPlainText(self.project.repo.get_document(item.data(256)).text)
