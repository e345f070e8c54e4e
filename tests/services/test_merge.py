"""`annotator merge`: analysts' files into one project, on SQLite and PostgreSQL, idempotent."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from annotator.cli import main as cli_main
from annotator.core.model import Status
from annotator.core.schema import default_schema
from annotator.services.merge import merge_projects
from annotator.services.project import ProjectError, open_project
from annotator.storage.transfer import table_digests
from tests.services.review_corpus import ENTITIES, TEXTS, analyst_project


def _versions(location: str | Path) -> dict[tuple[str, str], tuple[object, ...]]:
    """(document text, annotator) -> what that annotator's version says, with timestamps."""
    out = {}
    with open_project(location, create=False, lock=False, backup=False) as project:
        names = sorted(set(project.repo.annotator_names().values()))
        for doc_id in project.repo.document_ids():
            text = project.repo.get_document(doc_id).text
            for who in names:
                ann = project.repo.load_annotations(doc_id, who)
                editor = project.repo.editor(doc_id, who)
                sentiment = editor.get_document_sentiment()
                if ann.is_empty() and sentiment is None:
                    continue
                ents = {e.id: (e.start, e.end, e.label) for e in ann.entities.values()}
                out[(text, who)] = (
                    sorted(ents.values()),
                    sorted(
                        (
                            c.start,
                            c.end,
                            ents.get(c.speaker_id or ""),
                            c.speaker_text,
                            sorted(c.attributes.items()),
                        )
                        for c in ann.claims.values()
                    ),
                    sorted((ents[t.entity_id], t.label) for t in ann.targets.values()),
                    sentiment,
                )
    return out


def _utc(when: datetime | None) -> datetime | None:
    if when is None:
        return None
    return (
        when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)
    )


def _documents(location: str | Path) -> dict[str, tuple[str, object, object]]:
    with open_project(location, create=False, lock=False, backup=False) as project:
        return {
            d.text: (d.status.value, _utc(d.created_at), dict(d.meta))
            for d in (project.repo.get_document(i) for i in project.repo.document_ids())
        }


@pytest.fixture
def analysts(tmp_path: Path) -> dict[str, Path]:
    return {who: analyst_project(tmp_path / f"{who}.annotator", who) for who in ENTITIES}


def test_merge_two_files_keeps_every_version(
    analysts: dict[str, Path], project_location: str
) -> None:
    report = merge_projects([analysts["alice"], analysts["bob"]], project_location)
    assert report.documents == 3  # article 0 is in both files
    merged = _versions(project_location)
    expected = {**_versions(analysts["alice"]), **_versions(analysts["bob"])}
    assert merged == expected
    assert {who for _, who in merged} == {"alice", "bob"}
    docs = _documents(project_location)
    assert docs[TEXTS[0]][0] == Status.DONE.value  # alice finished it; bob's copy was todo
    assert docs[TEXTS[0]][2] == {"date": "2025-06-10"}
    alice_docs = _documents(analysts["alice"])
    assert docs[TEXTS[1]][1] == alice_docs[TEXTS[1]][1]  # creation time kept


def test_merge_three_files_and_remerge_changes_nothing(
    analysts: dict[str, Path], project_location: str
) -> None:
    sources = [analysts["alice"], analysts["bob"], analysts["carol"]]
    merge_projects(sources, project_location)
    with open_project(project_location, create=False, lock=False) as project:
        before = table_digests(project.repo.engine)
        entities = project.repo.stats().entities
    assert entities == sum(len(s) for per in ENTITIES.values() for s in per.values())
    again = merge_projects(sources, project_location)
    assert sum(again.added.values()) == 0
    with open_project(project_location, create=False, lock=False) as project:
        assert table_digests(project.repo.engine) == before
    expected: dict[tuple[str, str], tuple[object, ...]] = {}
    for path in sources:
        expected.update(_versions(path))
    assert _versions(project_location) == expected


def test_merge_keeps_timestamps_of_annotations(analysts: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "team.annotator"
    merge_projects([analysts["alice"], analysts["bob"]], out)
    with (
        open_project(analysts["alice"], create=False, lock=False) as src,
        open_project(out, create=False, lock=False) as dst,
    ):
        doc = src.repo.document_ids()[0]
        text = src.repo.get_document(doc).text
        target = next(i for i in dst.repo.document_ids() if dst.repo.get_document(i).text == text)
        src_rows = src.repo.load_annotations(doc, "alice").entities
        dst_rows = dst.repo.load_annotations(target, "alice").entities
        assert set(src_rows) == set(dst_rows)  # ids kept where free
    # created_at survives: the stats by day count them on the day they were made
    assert src.repo.stats().labels["PERSON"] >= 1


def test_merge_refuses_conflicting_label_definitions(
    analysts: dict[str, Path], tmp_path: Path
) -> None:
    schema = default_schema()
    changed = replace(
        schema,
        entity_labels=tuple(
            replace(lab, description="Only politicians") if lab.name == "PERSON" else lab
            for lab in schema.entity_labels
        ),
    )
    odd = analyst_project(tmp_path / "dave.annotator", "bob", changed)
    out = tmp_path / "team.annotator"
    with pytest.raises(ProjectError, match="entity label 'PERSON' is described as"):
        merge_projects([analysts["alice"], odd], out)
    with open_project(out, create=False, lock=False) as project:
        assert project.repo.count_documents() == 0  # nothing was merged


def test_merge_unites_schemas(analysts: dict[str, Path], tmp_path: Path) -> None:
    schema = default_schema()
    person = replace(schema.entity_labels[0], hotkey="X")
    role = replace(schema.entity_labels[0], name="ROLE")  # hotkey 1, PERSON's in alice's file
    extra = replace(schema, entity_labels=(person, *schema.entity_labels[1:], role))
    more = analyst_project(tmp_path / "erin.annotator", "carol", extra)
    out = tmp_path / "team.annotator"
    merge_projects([analysts["alice"], more], out)
    with open_project(out, create=False, lock=False) as project:
        labels = project.schema.entity_label_names
        assert "ROLE" in labels and "PERSON" in labels
        role = project.schema.entity_label("ROLE")
        assert role is not None and role.hotkey == ""  # its hotkey 1 belongs to PERSON


def test_merge_refuses_output_among_sources(analysts: dict[str, Path]) -> None:
    with pytest.raises(ProjectError, match="also the output"):
        merge_projects([analysts["alice"], analysts["bob"]], analysts["bob"])


def test_cli_merge(
    analysts: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "team.annotator"
    code = cli_main(["merge", str(analysts["alice"]), str(analysts["carol"]), "--out", str(out)])
    assert code == 0
    assert "Merged 2 projects: 3 documents in all (3 added)" in capsys.readouterr().err
    assert cli_main(["merge", str(tmp_path / "nope.annotator"), "--out", str(out)]) == 2
    assert "no such project" in capsys.readouterr().err


def test_merge_reads_a_server_project_as_a_source(
    analysts: dict[str, Path], project_location: str, tmp_path: Path
) -> None:
    merge_projects([analysts["alice"]], project_location)  # alice's work now on that back end
    out = tmp_path / "local.annotator"
    merge_projects([project_location, analysts["bob"]], out)
    expected = {**_versions(analysts["alice"]), **_versions(analysts["bob"])}
    assert _versions(out) == expected
