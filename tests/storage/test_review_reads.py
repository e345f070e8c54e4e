"""The whole-project read behind agreement and the adjudication queue."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import insert

from annotator.services.project import open_project
from annotator.storage import NewDocument
from annotator.storage.models import EntityRow
from annotator.storage.review_reads import read_annotation_table


def test_spans_stored_out_of_document_order_are_all_read(project_location: str) -> None:
    """Rows of one analyst that interleave documents still land in one set per document."""
    when = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with open_project(project_location, "ana") as project:
        docs = [project.repo.add_document(NewDocument(title=t, text=t * 50))[0] for t in "AB"]
        ana, ben = (project.repo.annotator_id(n) for n in ("ana", "ben"))
        order = [(docs[0], ana, 0), (docs[1], ana, 1), (docs[0], ben, 2), (docs[0], ana, 3)]
        rows = [
            dict(
                id=f"e{k}",
                document_id=doc,
                annotator_id=who,
                start_offset=k,
                end_offset=k + 2,
                label="PERSON",
                created_at=when,
                updated_at=when,
            )
            for doc, who, k in order
        ]
        with project.repo.engine.begin() as conn:
            for one in rows:  # one statement each: the stored order is this order
                conn.execute(insert(EntityRow), [one])
        table = read_annotation_table(project.repo.engine)
        only_ben = read_annotation_table(project.repo.engine, ["ben"])
    assert table.entities[docs[0]] == {
        "ana": {(0, 2, "PERSON"), (3, 5, "PERSON")},
        "ben": {(2, 4, "PERSON")},
    }
    assert table.entities[docs[1]] == {"ana": {(1, 3, "PERSON")}}
    assert only_ben.entities == {docs[0]: {"ben": {(2, 4, "PERSON")}}}
