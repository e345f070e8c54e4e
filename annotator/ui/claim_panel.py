"""The claim panel: the selected claim's text, its speaker and its attributes."""

from __future__ import annotations

from bisect import bisect_left
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Claim, EntitySpan
from annotator.ui.annotation_list import snippet
from annotator.ui.document_model import DocumentModel
from annotator.ui.editing import AnnotationEditor
from annotator.ui.plain import plain_label
from annotator.ui.theme import text_colour_on

NO_SPEAKER = "(no speaker)"
CONTEXT_ROLE = Qt.ItemDataRole.UserRole + 1  # the sentence around an entity's mention

# the order of the combo rows: likely speakers (persons, organisations) first, then by
# distance from the claim, then text order; the last item is the entity id
_Key = tuple[int, int, int, int, str, str]
SPEAKER_LABELS = frozenset(
    {"PERSON", "PER", "PEOPLE", "ORG", "ORGANIZATION", "ORGANISATION", "SPEAKER"}
)


def _key(entity: EntitySpan, anchor: tuple[int, int]) -> _Key:
    start, end = anchor
    if entity.end <= start:
        distance = start - entity.end
    elif entity.start >= end:
        distance = entity.start - end
    else:
        distance = 0
    likely = 0 if entity.label.upper() in SPEAKER_LABELS else 1
    return (likely, distance, entity.start, -entity.end, entity.label, entity.id)


def sentence_around(text: str, start: int, end: int, width: int = 70) -> str:
    """The sentence (or line) around text[start:end]; a long one is cut to about `width`
    characters around the mention, at word boundaries, with "…" where it was cut."""
    reach = max(width, end - start + 20)
    lo = max(0, start - reach)
    before = text[lo:start]
    breaks = [before.rfind(mark) for mark in (". ", "? ", "! ", "\n")]
    cut = max(breaks)
    first = lo + cut + (1 if before[cut] == "\n" else 2) if cut >= 0 else lo
    hi = min(len(text), end + reach)
    after = text[end:hi]
    stops = [i for i in (after.find(". "), after.find("? "), after.find("! ")) if i >= 0]
    newline = after.find("\n")
    if newline >= 0:
        stops.append(newline - 1)
    last = end + min(stops) + 1 if stops else hi
    left, mention, right = text[first:start], text[start:end], text[end:last]
    room = max(0, width - len(mention))
    keep_left = room // 2 if len(right) > room - room // 2 else room - len(right)
    if len(left) > keep_left:
        left = left[len(left) - keep_left :]
        left = "…" + (left.split(" ", 1)[1] if " " in left else left)
    keep_right = max(0, width - len(mention) - len(left))
    if len(right) > keep_right:
        right = right[:keep_right]
        right = (right.rsplit(" ", 1)[0] if " " in right else right) + "…"
    return " ".join((left + mention + right).split())


class SpeakerChoices(QAbstractListModel):
    """The combo box rows: "(no speaker)" then the current document's entities: persons
    and organisations first, nearest to the claim first, each with the sentence around it;
    the user role holds the entity id. Fed row by row by the document model's change
    events.

    The entities are listed once a claim needs them (`ensure(claim)`), not on every
    document opened: until then the model holds only "(no speaker)". Another claim sorts
    them again (nearest to it first).
    """

    def __init__(self, model: DocumentModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.model = model
        self._keys: list[_Key] = []
        self._key: dict[str, _Key] = {}
        self._built = False
        self._anchor = (0, 0)
        model.documentChanged.connect(self.reset)
        model.annotationsReset.connect(self.reset)
        model.annotationChanged.connect(self._changed)

    def reset(self) -> None:
        """Forget the entities (another document, or all re-read); `ensure` lists them."""
        if not self._built:
            return
        self.beginResetModel()
        self._key, self._keys, self._built = {}, [], False
        self.endResetModel()

    def ensure(self, claim: Claim | None = None) -> None:
        """List the current document's entities in their order for `claim`."""
        anchor = (claim.start, claim.end) if claim is not None else self._anchor
        if self._built and anchor == self._anchor:
            return
        self.beginResetModel()
        self._anchor = anchor
        session = self.model.session
        entities = session.annotations.entities.values() if session is not None else ()
        self._key = {e.id: _key(e, anchor) for e in entities}
        self._keys = sorted(self._key.values())
        self._built = True
        self.endResetModel()

    def row_of(self, entity_id: str | None) -> int:
        """The combo row of an entity (0, "no speaker", for None; -1 when unknown)."""
        if entity_id is None:
            return 0
        key = self._key.get(entity_id)
        return -1 if key is None else bisect_left(self._keys, key) + 1

    def _changed(self, kind: str, entity_id: str, removed: bool) -> None:
        session = self.model.session
        if kind != "entity" or session is None or not self._built:
            return
        entity = None if removed else session.annotations.entities.get(entity_id)
        old = self._key.get(entity_id)
        new = _key(entity, self._anchor) if entity is not None else None
        if old is not None and old == new:
            return
        if old is not None:
            row = bisect_left(self._keys, old)
            self.beginRemoveRows(QModelIndex(), row + 1, row + 1)
            del self._keys[row]
            del self._key[entity_id]
            self.endRemoveRows()
        if new is not None:
            row = bisect_left(self._keys, new)
            self.beginInsertRows(QModelIndex(), row + 1, row + 1)
            self._keys.insert(row, new)
            self._key[entity_id] = new
            self.endInsertRows()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._keys) + 1

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        row = index.row()
        if not index.isValid() or not 0 <= row <= len(self._keys):
            return None
        if role == Qt.ItemDataRole.UserRole:
            return None if row == 0 else self._keys[row - 1][-1]
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.EditRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            if row == 0:
                return NO_SPEAKER
            session = self.model.session
            if session is None:
                return ""
            _likely, _distance, start, neg_end, label, _id = self._keys[row - 1]
            if role == Qt.ItemDataRole.ToolTipRole:
                return sentence_around(session.text, start, -neg_end)
            return f"{snippet(session.text[start:-neg_end], 40)} · {label}"
        if role == CONTEXT_ROLE and row > 0 and self.model.session is not None:
            _likely, _distance, start, neg_end, _label, _id = self._keys[row - 1]
            return sentence_around(self.model.session.text, start, -neg_end)
        return None


class ContextDelegate(QStyledItemDelegate):
    """The speaker list's rows with the sentence around each mention after the name (the
    box itself shows only the name); painted for the visible rows only."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # type: ignore[override]
        super().initStyleOption(option, index)
        context = index.data(CONTEXT_ROLE)
        if context:
            option.text = f"{option.text}   — {context}"


class ClaimPanel(QWidget):
    """Edits the selected claim through `AnnotationEditor`. `showSpeaker(entity_id)` asks the
    window to select the speaker's span."""

    showSpeaker = Signal(str)

    def __init__(
        self, model: DocumentModel, editor: AnnotationEditor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.editor = editor
        self.claim_id: str | None = None
        self._updating = False

        self.placeholder = plain_label(
            "Select text and press the claim key to mark a claim, or click a claim "
            "(drawn in [brackets] with a dashed line above) to edit its speaker and "
            "attributes."
        )
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignTop)

        self.quote = QPlainTextEdit(readOnly=True)
        self.quote.setAccessibleName("Claim text")
        self.quote.setMaximumHeight(90)
        self.quote.setTabChangesFocus(True)
        self.choices = SpeakerChoices(model, self)
        self.speaker = QComboBox()
        self.speaker.setModel(self.choices)
        self.speaker.view().setItemDelegate(ContextDelegate(self.speaker))
        self.speaker.view().setTextElideMode(Qt.TextElideMode.ElideRight)
        self.speaker.view().setMinimumWidth(460)  # room for the sentence after each name
        # sized from a length, not by measuring 20,000 entries
        self.speaker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.speaker.setMinimumContentsLength(24)
        self.speaker.setEditable(True)
        self.speaker.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.speaker.setAccessibleName("Claim speaker")
        self.speaker.setToolTip("Pick an entity of this document, or type a name")
        self.speaker_edit = self.speaker.lineEdit()
        assert self.speaker_edit is not None
        self.speaker_edit.setPlaceholderText("Pick an entity or type a name")
        self.link = plain_label()
        self.link.setAccessibleName("Claim speaker link")
        self.link.setWordWrap(True)
        self.show_speaker = QPushButton("Go to speaker")
        self.show_speaker.setAccessibleName("Go to the speaker's span")
        self.delete = QPushButton("Delete claim")
        self.delete.setAccessibleName("Delete claim")
        self.attributes: dict[str, QComboBox] = {}

        form_host = QWidget()
        self.form = QFormLayout()
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.addRow("Claim", self.quote)
        self.form.addRow("Speaker", self.speaker)
        self.form.addRow("", self.link)
        self.attribute_form = QFormLayout()
        self.attribute_form.setContentsMargins(0, 0, 0, 0)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_speaker)
        buttons.addStretch(1)
        buttons.addWidget(self.delete)
        host_layout = QVBoxLayout(form_host)
        host_layout.setContentsMargins(0, 0, 0, 0)
        host_layout.addLayout(self.form)
        host_layout.addLayout(self.attribute_form)
        host_layout.addLayout(buttons)
        host_layout.addStretch(1)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(form_host)
        form_host.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.stack)
        self.setAccessibleName("Claim panel")

        self.speaker.activated.connect(lambda _i: self._commit_speaker())
        self.speaker_edit.editingFinished.connect(self._commit_speaker)
        self.show_speaker.clicked.connect(self._go_to_speaker)
        self.delete.clicked.connect(self.editor.delete_selected)
        model.selectionChanged.connect(lambda *_: self.refresh())
        model.annotationChanged.connect(lambda *_: self.refresh())
        model.documentChanged.connect(self.refresh)
        model.annotationsReset.connect(self.refresh)
        model.schemaChanged.connect(self._build_attributes)
        self._build_attributes()

    # -- building ----------------------------------------------------------------------
    def _build_attributes(self) -> None:
        while self.attribute_form.rowCount():
            self.attribute_form.removeRow(0)
        self.attributes.clear()
        for attr in self.model.schema.claim_attributes:
            combo = QComboBox()
            combo.addItems(list(attr.choices))
            combo.setAccessibleName(f"Claim {attr.name}")
            combo.activated.connect(lambda _i, n=attr.name, c=combo: self._set_attribute(n, c))
            self.attribute_form.addRow(attr.name.capitalize(), combo)
            self.attributes[attr.name] = combo
        # Speaker, then the attributes in schema order, then the buttons
        chain: list[QWidget] = [self.speaker, *self.attributes.values()]
        chain += [self.show_speaker, self.delete]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.refresh()

    def current_claim(self) -> Claim | None:
        return self.editor.selected_claim()

    def refresh(self) -> None:
        claim = self.current_claim()
        session = self.model.session
        previous = self.claim_id
        self.claim_id = claim.id if claim else None
        if claim is None or session is None:
            self._show_page(0)
            return
        self._updating = True
        self._show_page(1)
        if previous != claim.id:
            self._scroll_to_top()
        self.quote.setPlainText(session.text[claim.start : claim.end])
        self.choices.ensure(claim)
        current = max(0, self.choices.row_of(claim.speaker_id))
        if claim.speaker_id is None and claim.speaker_text:
            self.speaker.setCurrentIndex(-1)
            self.speaker.setEditText(claim.speaker_text)
        else:
            self.speaker.setCurrentIndex(current)
        self._show_link(claim)
        for name, combo in self.attributes.items():
            value = claim.attributes.get(name)
            index = combo.findText(value) if value is not None else -1
            combo.setCurrentIndex(index)
        self._updating = False

    def _show_page(self, page: int) -> None:
        """Show the hint (0) or the form (1); the stack is only as tall as the page shown,
        and a page change starts at the top of a scrolling dock."""
        if self.stack.currentIndex() == page:
            return
        for index in range(self.stack.count()):
            policy = QSizePolicy.Policy.Preferred if index == page else QSizePolicy.Policy.Ignored
            widget = self.stack.widget(index)
            if widget is not None:
                widget.setSizePolicy(policy, policy)
        self.stack.setCurrentIndex(page)
        self.stack.updateGeometry()
        self._scroll_to_top()

    def _scroll_to_top(self) -> None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if isinstance(parent, QScrollArea):
            parent.verticalScrollBar().setValue(0)

    def _show_link(self, claim: Claim) -> None:
        session = self.model.session
        entity = session.get_entity(claim.speaker_id) if session and claim.speaker_id else None
        if entity is not None and session is not None:
            colour = self.model.schema.color_of(entity.label)
            name = snippet(session.text[entity.start : entity.end], 60)
            self.link.setText(f"Said by {name} ({entity.label})")
            self.link.setStyleSheet(
                f"background: {colour}; color: {text_colour_on(colour)};"
                " border-radius: 4px; padding: 3px 6px;"
            )
            self.show_speaker.setEnabled(True)
        elif claim.speaker_text:
            self.link.setText(f"Said by {claim.speaker_text} (typed; not linked to a span)")
            self.link.setStyleSheet("border: 1px dashed palette(mid); padding: 3px 6px;")
            self.show_speaker.setEnabled(False)
        else:
            self.link.setText("No speaker yet: pick the entity who made this claim.")
            self.link.setStyleSheet("color: palette(placeholder-text); padding: 3px 6px;")
            self.show_speaker.setEnabled(False)

    # -- edits -----------------------------------------------------------------------------
    def _commit_speaker(self) -> None:
        if self._updating or self.claim_id is None:
            return
        text = self.speaker.currentText().strip()
        index = self.speaker.findText(text, Qt.MatchFlag.MatchExactly)
        if text in ("", NO_SPEAKER):
            self.editor.set_claim_speaker(self.claim_id, None, "")
        elif index > 0:
            self.editor.set_claim_speaker(self.claim_id, self.speaker.itemData(index), "")
        else:
            self.editor.set_claim_speaker(self.claim_id, None, text)

    def _set_attribute(self, name: str, combo: QComboBox) -> None:
        if not self._updating and self.claim_id is not None and combo.currentText():
            self.editor.set_claim_attribute(self.claim_id, name, combo.currentText())

    def _go_to_speaker(self) -> None:
        claim = self.current_claim()
        if claim is not None and claim.speaker_id:
            self.showSpeaker.emit(claim.speaker_id)
