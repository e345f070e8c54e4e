"""The label schema editor: entity labels, claim attributes and sentiment labels, in tabs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.schema import EntityLabel, LabelSchema, SchemaError, SentimentLabel
from annotator.core.schema_changes import SchemaRenames, SchemaUsage, removals_in_use
from annotator.ui.dialogs.claim_attributes_editor import ClaimAttributesEditor
from annotator.ui.dialogs.label_table import LabelRow, LabelTable, Wording
from annotator.ui.plain import problem_label
from annotator.ui.theme import text_colour_on

ENTITIES_TAB, CLAIMS_TAB, SENTIMENT_TAB = range(3)


class SchemaEditor(QDialog):
    """Edits a copy of `schema`; after `exec()` returns Accepted, read `result_schema` and
    `renames`. `usage` counts the stored annotations per name: removing a name in use is
    refused (rename it instead). `reserved_keys` maps letters whose Alt shortcut the window
    already uses (menus, other commands) to what uses them; sentiment hotkeys avoid them.
    With `save`, Save stores the schema at once and the dialog closes only when the store
    took it: a refusal (someone else saved first, a removed label came into use) is shown in
    the dialog with the edits kept, to adjust and save again or cancel."""

    def __init__(
        self,
        schema: LabelSchema,
        usage: SchemaUsage,
        parent: QWidget | None = None,
        reserved_keys: Mapping[str, str] | None = None,
        save: Callable[[LabelSchema, SchemaRenames], str | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Label schema")
        self.setAccessibleName("Label schema editor")
        self.schema = schema
        self.usage = usage
        self.reserved_keys = {k.upper(): v for k, v in (reserved_keys or {}).items()}
        self.result_schema: LabelSchema | None = None
        self.renames = SchemaRenames()
        self._save = save

        self.problem = problem_label("Schema problem")

        self.entities = LabelTable(
            [
                LabelRow(lab.name, lab.name, lab.color, lab.hotkey, lab.description)
                for lab in schema.entity_labels
            ],
            usage.entity_labels,
            Wording("label", "span", "Rename it instead, or delete those spans first.", "LABEL"),
            self.problem.setText,
            with_description=True,
        )
        self.sentiments = LabelTable(
            [LabelRow(s.name, s.name, s.color, s.hotkey) for s in schema.sentiment_labels],
            usage.sentiment_labels,
            Wording(
                "sentiment label",
                "sentiment",
                "Rename it instead, or clear those sentiments first.",
                "sentiment",
            ),
            self.problem.setText,
        )
        self.sentiments.table.setToolTip(
            "Alt+hotkey sets the document sentiment, Alt+Shift+hotkey the entity sentiment"
        )

        self.claim_hotkey = QLineEdit(schema.claim_hotkey)
        self.claim_hotkey.setMaxLength(1)
        self.claim_hotkey.setAccessibleName("Claim hotkey")
        self.claim_colour = QLineEdit(schema.claim_color)
        self.claim_colour.setAccessibleName("Claim colour")
        self.claim_colour_button = QPushButton("Colour…")
        self.claim_colour_button.setAccessibleName("Pick claim colour")
        self.claim_colour_button.clicked.connect(self.pick_claim_colour)
        self.claim_colour.textChanged.connect(self._show_claim_colour)
        self._show_claim_colour()
        self.attributes = ClaimAttributesEditor(
            schema.claim_attributes,
            usage.claim_attributes,
            usage.claim_choices,
            self.problem.setText,
        )
        claims = QWidget()
        claims_layout = QVBoxLayout(claims)
        form = QFormLayout()
        form.addRow("Claim hotkey", self.claim_hotkey)
        colour_row = QHBoxLayout()
        colour_row.addWidget(self.claim_colour, 1)
        colour_row.addWidget(self.claim_colour_button)
        form.addRow("Claim colour", colour_row)
        claims_layout.addLayout(form)
        claims_layout.addWidget(self.attributes, 1)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Schema parts")
        self.tabs.addTab(self.entities, "Entities")
        self.tabs.addTab(claims, "Claims")
        self.tabs.addTab(self.sentiments, "Sentiment")
        self.tabs.currentChanged.connect(lambda _i: self.problem.clear())

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.buttons.accepted.connect(self.validate_and_accept)
        self.buttons.rejected.connect(self.reject)
        self.resize(700, 540)

    # -- result ----------------------------------------------------------------------------
    def build(self) -> tuple[LabelSchema, SchemaRenames]:
        """The edited schema and renames; raises SchemaError with a message for the user."""
        schema = replace(
            self.schema,
            entity_labels=tuple(
                EntityLabel(r.name, r.color, r.hotkey, r.description) for r in self.entities.rows()
            ),
            claim_attributes=self.attributes.built(),
            sentiment_labels=tuple(
                SentimentLabel(r.name, r.color, r.hotkey) for r in self.sentiments.rows()
            ),
            claim_hotkey=self.claim_hotkey.text().strip().upper(),
            claim_color=self.claim_colour.text().strip(),
        )
        schema.validate_hotkeys_apart()
        for s in schema.sentiment_labels:
            owner = self.reserved_keys.get(s.hotkey.upper()) if s.hotkey else None
            if owner is not None:
                raise SchemaError(
                    f"hotkey {s.hotkey.upper()!r} of sentiment label {s.name!r}: "
                    f"Alt+{s.hotkey.upper()} already means {owner}"
                )
        renames = SchemaRenames(
            entity_labels=self.entities.renames(),
            sentiment_labels=self.sentiments.renames(),
            claim_attributes=self.attributes.attribute_renames(),
            claim_choices=self.attributes.choice_renames(),
        )
        problems = removals_in_use(self.schema, schema, renames, self.usage)
        if problems:
            raise SchemaError("; ".join(problems))
        return schema, renames

    def pick_claim_colour(self) -> None:
        chosen = QColorDialog.getColor(QColor(self.claim_colour.text()), self, "Claim colour")
        if chosen.isValid():
            self.claim_colour.setText(chosen.name().upper())

    def _show_claim_colour(self) -> None:
        """The button wears the colour typed or picked (plain when it is not a colour)."""
        colour = QColor(self.claim_colour.text().strip())
        if colour.isValid():
            self.claim_colour_button.setStyleSheet(
                f"background: {colour.name()}; color: {text_colour_on(colour.name())}"
            )
        else:
            self.claim_colour_button.setStyleSheet("")

    def validate_and_accept(self) -> None:
        try:
            schema, renames = self.build()
        except SchemaError as exc:
            self.problem.setText(f"Cannot save: {exc}")
            return
        if self._save is not None:
            refusal = self._save(schema, renames)
            if refusal is not None:
                self.problem.setText(
                    f"{refusal}\nYour edits are kept: change them and save again, or cancel."
                )
                return
        self.result_schema, self.renames = schema, renames
        self.accept()
