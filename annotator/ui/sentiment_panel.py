"""Document sentiment and the sentiment toward the selected entity span."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QGroupBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.annotation_list import snippet
from annotator.ui.document_model import DocumentModel
from annotator.ui.editing import AnnotationEditor
from annotator.ui.plain import menu_text, plain_label, plain_tooltip
from annotator.ui.theme import swatch_style


class SentimentPanel(QWidget):
    """Two rows of sentiment buttons: for the whole document, and toward the selected entity."""

    def __init__(
        self, model: DocumentModel, editor: AnnotationEditor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.editor = editor
        self.setAccessibleName("Sentiment panel")
        self.document_box = QGroupBox("Document sentiment")
        self.target_box = QGroupBox("Sentiment toward the selected entity")
        self.target_label = plain_label()
        self.target_label.setWordWrap(True)
        self.target_label.setAccessibleName("Selected entity")
        self.document_buttons: dict[str, QPushButton] = {}
        self.target_buttons: dict[str, QPushButton] = {}
        self._document_grid = QGridLayout(self.document_box)
        target_layout = QVBoxLayout(self.target_box)
        target_layout.addWidget(self.target_label)
        self._target_grid = QGridLayout()
        target_layout.addLayout(self._target_grid)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.document_box)
        layout.addWidget(self.target_box)
        layout.addStretch(1)
        self._groups: list[QButtonGroup] = []
        model.documentChanged.connect(self.refresh)
        model.documentSentimentChanged.connect(self.refresh)
        model.annotationsReset.connect(self.refresh)
        model.annotationChanged.connect(lambda *_: self.refresh())
        model.selectionChanged.connect(lambda *_: self.refresh())
        model.schemaChanged.connect(self.rebuild)
        self.rebuild()

    def rebuild(self) -> None:
        for grid in (self._document_grid, self._target_grid):
            while grid.count():
                item = grid.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.deleteLater()
        self.document_buttons = self._fill(self._document_grid, "Document", self._set_document)
        self.target_buttons = self._fill(self._target_grid, "Target", self._set_target)
        self.refresh()

    def _fill(
        self, grid: QGridLayout, prefix: str, handler: Callable[[str | None], None]
    ) -> dict[str, QPushButton]:
        buttons: dict[str, QPushButton] = {}
        group = QButtonGroup(self)
        group.setExclusive(False)
        self._groups.append(group)
        labels = self.model.schema.sentiment_labels
        for i, label in enumerate(labels):
            hotkey = f"Alt+{label.hotkey}" if label.hotkey and prefix == "Document" else ""
            button = QPushButton(menu_text(label.name.capitalize()))
            button.setCheckable(True)
            button.setStyleSheet(swatch_style(label.color))
            button.setAccessibleName(f"{prefix} sentiment {label.name}")
            button.setToolTip(plain_tooltip(f"{label.name} ({hotkey})" if hotkey else label.name))
            button.clicked.connect(lambda checked, n=label.name: handler(n if checked else None))
            grid.addWidget(button, i // 2, i % 2)
            buttons[label.name] = button
        return buttons

    def _set_document(self, label: str | None) -> None:
        self.editor.set_document_sentiment(label)
        self.refresh()

    def _set_target(self, label: str | None) -> None:
        self.editor.set_target_sentiment(label)
        self.refresh()

    def refresh(self) -> None:
        session = self.model.session
        current = session.get_document_sentiment() if session else None
        for name, button in self.document_buttons.items():
            _show_checked(button, name == current)
            button.setEnabled(session is not None)
        entity = self.editor.selected_entity()
        target = session.get_target(entity.id) if session and entity else None
        if entity is not None and session is not None:
            text = snippet(session.text[entity.start : entity.end], 60)
            self.target_label.setText(f"{text} ({entity.label})")
        else:
            self.target_label.setText(
                "Click an entity in the text to rate the sentiment toward it."
            )
        for name, button in self.target_buttons.items():
            button.setEnabled(entity is not None)
            _show_checked(button, target is not None and target.label == name)


def _show_checked(button: QPushButton, checked: bool) -> None:
    """Checked state with a tick, so it does not depend on colour alone."""
    button.setChecked(checked)
    name = button.text().removeprefix("✓ ")
    button.setText(f"✓ {name}" if checked else name)
