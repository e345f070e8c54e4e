from __future__ import annotations

import json
from pathlib import Path

from annotator.services.exporting import export_project
from annotator.services.importing import import_paths
from annotator.services.project import Project


def make_folder(root: Path) -> Path:
    folder = root / "articles"
    (folder / "nested").mkdir(parents=True)
    (folder / "utf8.txt").write_text("Plain UTF-8 article about Acme.", encoding="utf-8")
    (folder / "bom.txt").write_bytes("\ufeffBOM article about Beta.".encode())
    (folder / "crlf.md").write_bytes(b"# CRLF\r\nWindows article\r\nend\r\n")
    (folder / "nested" / "emoji.txt").write_text("Emoji 😀 and 北京 🇯🇵 article", encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "latin1.txt").write_bytes("Caf\xe9 cr\xe8me".encode("latin-1"))
    (folder / "picture.png").write_bytes(b"\x89PNG")
    return folder


def test_folder_import_counts_and_reasons(project: Project, tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    report = import_paths(project, [folder])
    assert report.imported == 4
    assert report.refused == 2
    reasons = {Path(p.path).name: p for p in report.problems}
    assert "empty" in reasons["empty.txt"].message
    assert "UTF-8" in reasons["latin1.txt"].message and reasons["latin1.txt"].line == 1
    assert report.skipped_files == [str(folder / "picture.png")]
    texts = {project.repo.get_document(i).text for i in report.document_ids}
    assert "# CRLF\nWindows article\nend\n" in texts
    assert "BOM article about Beta." in texts
    assert "imported 4 documents" in report.summary() and "2 refused" in report.summary()

    again = import_paths(project, [folder])
    assert (again.imported, again.duplicates, again.refused) == (0, 4, 2)
    assert project.repo.count_documents() == 4


def test_named_unsupported_and_missing_files(project: Project, tmp_path: Path) -> None:
    odd = tmp_path / "data.xlsx"
    odd.write_bytes(b"PK")
    report = import_paths(project, [odd, tmp_path / "missing.txt"])
    assert report.imported == 0
    messages = [p.message for p in report.problems]
    assert any("unsupported file type" in m for m in messages)
    assert any("no such file" in m for m in messages)


def test_jsonl_good_lines_imported_bad_lines_reported(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps(
            {
                "text": f"Document {i} about Acme",
                "entities": [{"start": 13 + len(str(i)), "end": 17 + len(str(i)), "label": "ORG"}],
            }
        )
        for i in range(5)
    ]
    lines.insert(2, '{"text": 12}')
    path.write_text("\n".join(lines), encoding="utf-8")
    report = import_paths(project, [path])
    assert (report.imported, report.annotations, report.refused) == (5, 5, 1)
    assert report.problems[0].line == 3 and report.problems[0].path == str(path)


def test_export_round_trip_is_lossless(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    text = "Flag 🇫🇷 and family 👩‍👩‍👦 beside Zoë in 東京, said Ana."
    ents = []
    for i, needle in enumerate(["🇫🇷", "👩‍👩‍👦", "Zoë", "東京", "Ana"]):
        start = text.index(needle)
        ents.append(
            {
                "id": f"e{i}",
                "start": start,
                "end": start + len(needle),
                "label": "GPE",
                "text": needle,
            }
        )
    record = {
        "id": "doc-1",
        "text": text,
        "meta": {"title": "T", "source": "wire", "lang": "en"},
        "status": "done",
        "annotator": "ann",
        "entities": ents,
        "claims": [
            {"id": "c1", "start": 0, "end": 8, "speaker": "e4", "attributes": {"type": "opinion"}}
        ],
        "sentiment": {"document": "positive", "targets": [{"entity": "e2", "label": "negative"}]},
    }
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(project, [source]).imported == 1
    first = tmp_path / "first.jsonl"
    export_project(project, first)

    with _fresh(tmp_path) as other:
        assert import_paths(other, [first]).imported == 1
        second = tmp_path / "second.jsonl"
        export_project(other, second)
    assert first.read_bytes() == second.read_bytes()
    exported = json.loads(first.read_text(encoding="utf-8"))
    assert exported["id"] == "doc-1" and exported["status"] == "done"
    for span in exported["entities"] + exported["claims"]:
        assert exported["text"][span["start"] : span["end"]] == span["text"]


def _fresh(tmp_path: Path) -> Project:
    from annotator.services.project import open_project

    return open_project(tmp_path / "other.annotator")
