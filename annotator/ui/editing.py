"""What the annotation keys and buttons do: each turns into one core command on the model.

Every edit of the workbench goes through `AnnotationEditor`: tagging and relabelling,
deleting, growing and shrinking a span, claims and their speakers and attributes,
sentiments and the document status. The article view only asks (`deleteRequested`,
`resizeRequested`); the panels and actions call the editor.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from PySide6.QtCore import QObject, Signal

from annotator.core.commands import (
    ChangeEntityLabel,
    EditCommand,
    RemoveClaim,
    RemoveEntity,
    ResizeEntity,
    SetDocumentSentiment,
    SetStatus,
    SetTargetSentiment,
    StartingWork,
    UpdateClaim,
)
from annotator.core.ids import new_id
from annotator.core.model import Claim, EntitySpan, SpanError, Status
from annotator.ui.article_view import ArticleView
from annotator.ui.document_model import DocumentModel


class AnnotationEditor(QObject):
    """Edits of the current document driven by the view's text selection and the model's
    selected annotation. `message(text)` carries hints for the status bar."""

    message = Signal(str)

    def __init__(
        self, model: DocumentModel, view: ArticleView, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.view = view
        view.deleteRequested.connect(self.delete_selected)
        view.resizeRequested.connect(
            lambda direction, edge: self.extend_selected(
                direction, "start" if edge == "start" else "end"
            )
        )

    # -- what is selected --------------------------------------------------------------
    def selected_entity(self) -> EntitySpan | None:
        kind, annotation_id = self.model.selection
        if kind != "entity" or self.model.session is None:
            return None
        return self.model.session.get_entity(annotation_id)

    def selected_claim(self) -> Claim | None:
        kind, annotation_id = self.model.selection
        if kind != "claim" or self.model.session is None:
            return None
        return self.model.session.get_claim(annotation_id)

    def _new_span(self) -> tuple[int, int] | None:
        """The view's text selection, unless it is just the selected annotation itself."""
        span = self.view.selected_span()
        if span is None:
            return None
        for current in (self.selected_entity(), self.selected_claim()):
            if current is not None and (current.start, current.end) == span:
                return None
        return span

    def _refused(self, span: tuple[int, int]) -> bool:
        """True (with a status-bar message) when the span has no letter or digit."""
        text = self.model.text[span[0] : span[1]]
        if any(ch.isalnum() for ch in text):
            return False
        shown = text if len(text) <= 20 else text[:19] + "…"
        self.message.emit(f"Not tagged: “{shown}” has no letter or digit. Select a word or more.")
        return True

    def _push(self, command: EditCommand) -> bool:
        """Push an annotation edit; the first one on a "To do" document also marks it
        "In progress" (in the same undo step)."""
        return self.model.push(StartingWork(command))

    # -- entities ------------------------------------------------------------------------
    def apply_label(self, label: str) -> bool:
        """Tag the selected text with `label`, or relabel the selected entity."""
        session = self.model.session
        if session is None:
            self.message.emit("Open a document first.")
            return False
        span = self._new_span()
        if span is not None:
            if self._refused(span):
                return False
            try:
                command = session.new_entity(span[0], span[1], label)
            except SpanError as exc:
                self.message.emit(str(exc))
                return False
            if not self._push(command):
                return False
            self.model.select("entity", command.span.id)
            return True
        entity = self.selected_entity()
        if entity is not None:
            if entity.label == label:
                return False
            return self._push(ChangeEntityLabel(entity.id, label))
        self.message.emit("Select some text (or click a highlighted entity) first.")
        return False

    def delete_selected(self) -> bool:
        if self.model.selection[0] not in ("entity", "claim"):
            self.message.emit("Click an entity or claim to select it, then delete it.")
            return False
        kind, annotation_id = self.model.selection
        if kind == "entity":
            session = self.model.session
            spoken = session.claims_spoken_by(annotation_id) if session is not None else []
            if not self._push(RemoveEntity(annotation_id)):
                return False
            if spoken:
                names = ", ".join(sorted({f"“{c.speaker_text}”" for c in spoken if c.speaker_text}))
                count = f"{len(spoken)} claim{'s' if len(spoken) > 1 else ''}"
                self.message.emit(
                    f"Entity deleted: the speaker of {count} is now free text {names} "
                    "(not linked to a span; Ctrl+Z links it again)."
                )
            return True
        return self._push(RemoveClaim(annotation_id))

    def extend_selected(self, direction: int, edge: Literal["start", "end"] = "end") -> bool:
        """Move one edge of the selected entity or claim by one word: direction +1 right,
        -1 left.

        ("end", +1) grows the span by the next word, ("end", -1) drops its last word,
        ("start", -1) grows it by the previous word, ("start", +1) drops its first word.
        A span never shrinks to nothing. Pushes an undoable ResizeEntity (UpdateClaim).
        """
        entity = self.selected_entity()
        claim = self.selected_claim() if entity is None else None
        current = entity or claim
        if current is None:
            return False
        start, end = current.start, current.end
        units = self.view.units
        if edge == "end":
            moved = units.next_word_end(end) if direction > 0 else units.previous_word_end(end)
            if moved is None or moved <= start:
                return False
            end = moved
        else:
            moved = (
                units.previous_word_start(start) if direction < 0 else units.next_word_start(start)
            )
            if moved is None or moved >= end:
                return False
            start = moved
        if (start, end) == (current.start, current.end):
            return False
        if entity is not None:
            return self._push(ResizeEntity(entity.id, start, end))
        assert claim is not None
        return self._push(UpdateClaim(replace(claim, start=start, end=end), "Resize claim"))

    # -- claims --------------------------------------------------------------------------
    def mark_claim(self) -> bool:
        session = self.model.session
        if session is None:
            self.message.emit("Open a document first.")
            return False
        span = self._new_span()
        if span is None:
            self.message.emit("Select the text of the claim first.")
            return False
        if self._refused(span):
            return False
        try:
            command = session.new_claim(span[0], span[1])
        except SpanError as exc:
            self.message.emit(str(exc))
            return False
        if not self._push(command):
            return False
        self.model.select("claim", command.claim.id)
        return True

    def set_claim_speaker(self, claim_id: str, entity_id: str | None, text: str) -> bool:
        session = self.model.session
        claim = session.get_claim(claim_id) if session else None
        if claim is None:
            return False
        if entity_id is not None:
            entity = session.get_entity(entity_id) if session else None
            if entity is None:
                return False
            text = session.span_text(entity.start, entity.end) if session else text
        text = text.strip()
        if (claim.speaker_id, claim.speaker_text) == (entity_id, text):
            return False
        label = "Set claim speaker" if entity_id or text else "Clear claim speaker"
        return self._push(
            UpdateClaim(replace(claim, speaker_id=entity_id, speaker_text=text), label)
        )

    def set_claim_attribute(self, claim_id: str, name: str, value: str) -> bool:
        session = self.model.session
        claim = session.get_claim(claim_id) if session else None
        if claim is None or claim.attributes.get(name) == value:
            return False
        attributes = {**claim.attributes, name: value}
        return self._push(
            UpdateClaim(replace(claim, attributes=attributes), f"Claim {name}: {value}")
        )

    # -- sentiment and status --------------------------------------------------------------
    def set_document_sentiment(self, label: str | None) -> bool:
        session = self.model.session
        if session is None:
            self.message.emit("Open a document first.")
            return False
        if session.get_document_sentiment() == label:
            return False
        return self._push(SetDocumentSentiment(label))

    def set_target_sentiment(self, label: str | None) -> bool:
        entity = self.selected_entity()
        if entity is None or self.model.session is None:
            self.message.emit("Click an entity first to give the sentiment toward it.")
            return False
        current = self.model.session.get_target(entity.id)
        if (current.label if current else None) == label:
            return False
        return self._push(SetTargetSentiment(entity.id, label, new_id()))

    def set_status(self, status: Status) -> bool:
        if self.model.session is None:
            self.message.emit("Open a document first.")
            return False
        if self.model.current_status() == status:
            return False
        return self.model.push(SetStatus(status))
