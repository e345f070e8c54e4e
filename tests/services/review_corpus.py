"""Small analysts' projects for the review tests: same articles, different annotations."""

from __future__ import annotations

from pathlib import Path

from annotator.core.model import Status, TargetSentiment
from annotator.core.schema import LabelSchema, default_schema
from annotator.services.project import Project, open_project
from annotator.services.session import DocumentSession
from annotator.storage import NewDocument

TEXTS = [
    "Kevin Hassett said on Tuesday that the talks in London went well for 🇺🇸 and China.",
    "Hassett told reporters: “tariffs will fall.” Zoë Chen of Acme disagreed sharply.",
    "Trump's chief economic advisor predicted growth; 习近平 said cooperation is the way.",
]

# who -> document index -> entity spans (start, end, label)
ENTITIES: dict[str, dict[int, list[tuple[int, int, str]]]] = {
    "alice": {0: [(0, 13, "PERSON"), (48, 54, "GPE")], 1: [(0, 7, "PERSON"), (57, 61, "ORG")]},
    "bob": {0: [(0, 13, "PERSON"), (48, 54, "LOC")], 2: [(0, 5, "PERSON")]},
    "carol": {1: [(0, 7, "PERSON"), (45, 53, "PERSON")], 2: [(0, 5, "PERSON")]},
}
SENTIMENT = {"alice": "positive", "bob": "neutral", "carol": "positive"}


def analyst_project(path: Path, who: str, schema: LabelSchema | None = None) -> Path:
    """A project file of one analyst: their documents, entities, a claim, sentiments."""
    with open_project(path, who) as project:
        project.save_schema(schema or default_schema())
        annotate(project, who)
    return path


def annotate(project: Project, who: str) -> None:
    for index, spans in ENTITIES[who].items():
        meta = {"date": f"2025-06-1{index}"}
        doc_id, _ = project.repo.add_document(
            NewDocument(title=f"article {index}", text=TEXTS[index], meta=meta)
        )
        session = DocumentSession(project, doc_id)
        made = []
        for s, e, lab in spans:
            cmd = session.new_entity(s, e, lab)
            session.apply(cmd)
            made.append(cmd.span)
        speaker = made[0]
        said = session.span_text(speaker.start, speaker.end)
        session.apply(session.new_claim(speaker.end + 1, len(TEXTS[index]) - 1, speaker.id, said))
        session.set_document_sentiment(SENTIMENT[who])
        session.put_target(TargetSentiment(f"t-{who}-{index}", speaker.id, "positive", who))
        if index == 0 and who == "alice":
            session.set_status(Status.DONE)
