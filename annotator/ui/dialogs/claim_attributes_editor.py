"""Edits the claim attributes of a schema: attributes, their ordered choices and default."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.schema import ClaimAttribute
from annotator.ui.dialogs.label_table import fresh_name

NO_DEFAULT = "(none)"


@dataclass(slots=True, eq=False)
class ChoiceDraft:
    """A choice as edited; `original` is its stored name ("" when new)."""

    original: str
    name: str


@dataclass(slots=True, eq=False)
class AttributeDraft:
    """An attribute as edited; the default is one of `choices` (it follows renames)."""

    original: str
    name: str
    choices: list[ChoiceDraft] = field(default_factory=list)
    default: ChoiceDraft | None = None

    @classmethod
    def of(cls, attr: ClaimAttribute) -> AttributeDraft:
        choices = [ChoiceDraft(c, c) for c in attr.choices]
        default = next((c for c in choices if c.name == attr.default), None)
        return cls(attr.name, attr.name, choices, default)

    def built(self) -> ClaimAttribute:
        return ClaimAttribute(
            self.name,
            tuple(c.name for c in self.choices),
            self.default.name if self.default is not None else None,
        )


def _editable(text: str) -> QListWidgetItem:
    item = QListWidgetItem(text)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
    return item


class ClaimAttributesEditor(QWidget):
    """Attributes on the left; the selected attribute's choices and default on the right.

    Names are edited in place (double-click or F2). An attribute or choice that stored
    claims use cannot be removed (`attribute_usage`, `choice_usage` by stored names).
    """

    def __init__(
        self,
        attributes: tuple[ClaimAttribute, ...],
        attribute_usage: Mapping[str, int],
        choice_usage: Mapping[str, Mapping[str, int]],
        report: Callable[[str], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.attribute_usage = dict(attribute_usage)
        self.choice_usage = {k: dict(v) for k, v in choice_usage.items()}
        self.report = report
        self.drafts = [AttributeDraft.of(a) for a in attributes]
        self._filling = False

        self.attributes = QListWidget()
        self.attributes.setAccessibleName("Claim attributes")
        for draft in self.drafts:
            self.attributes.addItem(_editable(draft.name))
        self.add_attribute_button = QPushButton("Add attribute")
        self.remove_attribute_button = QPushButton("Remove attribute")
        left = QVBoxLayout()
        left.addWidget(self.attributes)
        row = QHBoxLayout()
        row.addWidget(self.add_attribute_button)
        row.addWidget(self.remove_attribute_button)
        left.addLayout(row)

        self.choices = QListWidget()
        self.choices.setAccessibleName("Choices")
        self.add_choice_button = QPushButton("Add choice")
        self.remove_choice_button = QPushButton("Remove choice")
        self.up_button = QPushButton("Move up")
        self.down_button = QPushButton("Move down")
        for button in (
            self.add_attribute_button,
            self.remove_attribute_button,
            self.add_choice_button,
            self.remove_choice_button,
            self.up_button,
            self.down_button,
        ):
            button.setAccessibleName(button.text())
        self.default = QComboBox()
        self.default.setAccessibleName("Default choice")
        choice_buttons = QVBoxLayout()
        for button in (
            self.add_choice_button,
            self.remove_choice_button,
            self.up_button,
            self.down_button,
        ):
            choice_buttons.addWidget(button)
        choice_buttons.addStretch(1)
        choice_row = QHBoxLayout()
        choice_row.addWidget(self.choices)
        choice_row.addLayout(choice_buttons)
        self.choice_box = QGroupBox("Choices")
        box_layout = QVBoxLayout(self.choice_box)
        box_layout.addLayout(choice_row)
        default_form = QFormLayout()
        default_form.addRow("Default", self.default)
        box_layout.addLayout(default_form)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(left, 1)
        layout.addWidget(self.choice_box, 2)

        self.attributes.currentRowChanged.connect(lambda _r: self._show_current())
        self.attributes.itemChanged.connect(self._attribute_renamed)
        self.choices.itemChanged.connect(self._choice_renamed)
        self.default.currentIndexChanged.connect(self._default_chosen)
        self.add_attribute_button.clicked.connect(self.add_attribute)
        self.remove_attribute_button.clicked.connect(self.remove_attribute)
        self.add_choice_button.clicked.connect(self.add_choice)
        self.remove_choice_button.clicked.connect(self.remove_choice)
        self.up_button.clicked.connect(lambda: self.move_choice(-1))
        self.down_button.clicked.connect(lambda: self.move_choice(1))
        if self.drafts:
            self.attributes.setCurrentRow(0)
        self._show_current()

    # -- showing -------------------------------------------------------------------------
    def current(self) -> AttributeDraft | None:
        r = self.attributes.currentRow()
        return self.drafts[r] if 0 <= r < len(self.drafts) else None

    def _show_current(self) -> None:
        draft = self.current()
        self._filling = True
        self.choices.clear()
        if draft is not None:
            for choice in draft.choices:
                self.choices.addItem(_editable(choice.name))
        self._filling = False
        self._fill_default()
        self.choice_box.setTitle(f"Choices of {draft.name}" if draft else "Choices")
        for widget in (
            self.choices,
            self.default,
            self.add_choice_button,
            self.remove_choice_button,
            self.up_button,
            self.down_button,
        ):
            widget.setEnabled(draft is not None)

    def _fill_default(self) -> None:
        draft = self.current()
        self._filling = True
        self.default.clear()
        self.default.addItem(NO_DEFAULT)
        if draft is not None:
            self.default.addItems([c.name for c in draft.choices])
            if draft.default is not None and draft.default in draft.choices:
                self.default.setCurrentIndex(draft.choices.index(draft.default) + 1)
        self._filling = False

    # -- edits ---------------------------------------------------------------------------
    def _attribute_renamed(self, item: QListWidgetItem) -> None:
        r = self.attributes.row(item)
        if 0 <= r < len(self.drafts):
            self.drafts[r].name = item.text().strip()
            if r == self.attributes.currentRow():
                self.choice_box.setTitle(f"Choices of {self.drafts[r].name}")

    def _choice_renamed(self, item: QListWidgetItem) -> None:
        draft = self.current()
        r = self.choices.row(item)
        if self._filling or draft is None or not 0 <= r < len(draft.choices):
            return
        draft.choices[r].name = item.text().strip()
        self._fill_default()

    def _default_chosen(self, index: int) -> None:
        draft = self.current()
        if self._filling or draft is None:
            return
        draft.default = draft.choices[index - 1] if 1 <= index <= len(draft.choices) else None

    def add_attribute(self) -> None:
        name = fresh_name("attribute", [d.name for d in self.drafts])
        self.drafts.append(AttributeDraft("", name))
        item = _editable(name)
        self.attributes.addItem(item)
        self.attributes.setCurrentItem(item)
        self.attributes.editItem(item)
        self.report("")

    def remove_attribute(self) -> None:
        draft = self.current()
        if draft is None:
            self.report("Select a claim attribute to remove.")
            return
        used = self.attribute_usage.get(draft.original, 0) if draft.original else 0
        if used:
            self.report(
                f"The claim attribute {draft.original} has a value in {used} "
                f"claim{'s' if used != 1 else ''}; it was not removed. Rename it instead, "
                "or delete those claims first."
            )
            return
        r = self.attributes.currentRow()
        del self.drafts[r]
        self.attributes.takeItem(r)
        self._show_current()
        self.report("")

    def add_choice(self) -> None:
        draft = self.current()
        if draft is None:
            self.report("Select a claim attribute first.")
            return
        name = fresh_name("choice", [c.name for c in draft.choices])
        draft.choices.append(ChoiceDraft("", name))
        item = _editable(name)
        self._filling = True
        self.choices.addItem(item)
        self._filling = False
        self._fill_default()
        self.choices.setCurrentItem(item)
        self.choices.editItem(item)
        self.report("")

    def remove_choice(self) -> None:
        draft = self.current()
        r = self.choices.currentRow()
        if draft is None or not 0 <= r < len(draft.choices):
            self.report("Select a choice to remove.")
            return
        choice = draft.choices[r]
        used = (
            self.choice_usage.get(draft.original, {}).get(choice.original, 0)
            if draft.original and choice.original
            else 0
        )
        if used:
            self.report(
                f"The choice {choice.original} of {draft.original} is used by {used} "
                f"claim{'s' if used != 1 else ''}; it was not removed. Rename it instead, "
                "or change those claims first."
            )
            return
        del draft.choices[r]
        self._filling = True
        self.choices.takeItem(r)
        self._filling = False
        if draft.default is choice:
            draft.default = None
            self.report(f"{choice.name} was the default of {draft.name}; it now has none.")
        else:
            self.report("")
        self._fill_default()

    def move_choice(self, step: int) -> None:
        draft = self.current()
        r = self.choices.currentRow()
        to = r + step
        if draft is None or not 0 <= r < len(draft.choices) or not 0 <= to < len(draft.choices):
            return
        draft.choices[r], draft.choices[to] = draft.choices[to], draft.choices[r]
        self._filling = True
        item = self.choices.takeItem(r)
        self.choices.insertItem(to, item)
        self._filling = False
        self.choices.setCurrentRow(to)
        self._fill_default()

    # -- result --------------------------------------------------------------------------
    def built(self) -> tuple[ClaimAttribute, ...]:
        """The attributes as edited (validated by the schema that holds them)."""
        return tuple(d.built() for d in self.drafts)

    def attribute_renames(self) -> dict[str, str]:
        return {d.original: d.name for d in self.drafts if d.original and d.original != d.name}

    def choice_renames(self) -> dict[str, dict[str, str]]:
        """Stored attribute name -> {stored choice -> new choice}, for renamed choices."""
        out: dict[str, dict[str, str]] = {}
        for d in self.drafts:
            moved = {c.original: c.name for c in d.choices if c.original and c.original != c.name}
            if d.original and moved:
                out[d.original] = moved
        return out
