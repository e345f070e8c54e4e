"""The label palette: one coloured button per entity label, plus the claim button."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from annotator.ui.document_model import DocumentModel
from annotator.ui.plain import menu_text, plain_tooltip
from annotator.ui.theme import swatch_style


class LabelPalette(QWidget):
    """Click a label to tag the selected text (or relabel the selected entity)."""

    labelChosen = Signal(str)
    claimChosen = Signal()

    COLUMNS = 2

    def __init__(self, model: DocumentModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setAccessibleName("Label palette")
        self.buttons: dict[str, QPushButton] = {}
        self._grid = QGridLayout()
        self._grid.setSpacing(4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(self._grid)
        layout.addStretch(1)
        model.schemaChanged.connect(self.rebuild)
        model.selectionChanged.connect(self._show_selected)
        model.annotationChanged.connect(lambda *_: self._show_selected())
        model.annotationsReset.connect(self._show_selected)
        self.rebuild()

    def rebuild(self) -> None:
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.buttons.clear()
        schema = self.model.schema
        entries = [
            (lab.name, lab.color, lab.hotkey, lab.description) for lab in schema.entity_labels
        ]
        entries.append(
            ("Claim", schema.claim_color, schema.claim_hotkey, "Mark a claim (who said what)")
        )
        for i, (name, colour, hotkey, description) in enumerate(entries):
            text = menu_text(f"{hotkey}  {name}" if hotkey else name)
            button = QPushButton(text)
            button.setCheckable(name != "Claim")
            button.setStyleSheet(swatch_style(colour))
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            tip = description + (f" (key {hotkey})" if hotkey else "")
            button.setToolTip(plain_tooltip(tip))
            button.setAccessibleName(f"Label {name}")
            button.setAccessibleDescription(tip)
            if name == "Claim":
                button.clicked.connect(self.claimChosen)
            else:
                button.clicked.connect(lambda _=False, n=name: self._clicked(n))
            self._grid.addWidget(button, i // self.COLUMNS, i % self.COLUMNS)
            self.buttons[name] = button
        self._show_selected()

    def _clicked(self, name: str) -> None:
        self.labelChosen.emit(name)
        self._show_selected()

    def _show_selected(self, *_args: object) -> None:
        """Check the button of the selected entity's label."""
        current = None
        kind, annotation_id = self.model.selection
        if kind == "entity" and self.model.session is not None:
            entity = self.model.session.get_entity(annotation_id)
            current = entity.label if entity else None
        for name, button in self.buttons.items():
            if button.isCheckable():
                button.setChecked(name == current)
                text = button.text().removesuffix("  ✓")
                button.setText(f"{text}  ✓" if name == current else text)
