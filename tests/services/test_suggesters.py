"""Suggesters over a project: gazetteer (stored, imported from files), all occurrences,
the quote detector and a spaCy pipeline from a folder (spacy.blank + entity_ruler)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.gazetteer import Gazetteer, GazetteerEntry
from annotator.core.suggestions import (
    GAZETTEER_SOURCE,
    OCCURRENCES_SOURCE,
    QUOTE_SOURCE,
    SuggestionKind,
)
from annotator.services.gazetteers import (
    GazetteerError,
    load_gazetteer,
    read_gazetteer_file,
    save_gazetteer,
    suggest_gazetteer,
)
from annotator.services.project import Project, open_project
from annotator.services.session import DocumentSession
from annotator.services.spacy_suggest import PipelineUnavailable, suggest_spacy
from annotator.services.suggesters import (
    preview_occurrences,
    run_pending,
    suggest_occurrences,
    suggest_quotes,
)
from annotator.services.suggesting import SuggestionFilter, suggestion_store
from annotator.storage import NewDocument
from tests.conftest import SEED

try:  # imported before the network guard starts: urllib3 probes IPv6 with a socket on import
    import spacy
except ImportError:  # pragma: no cover - the test extra installs spaCy
    spacy = None

TEXTS = [
    "Acme Corp hired staff in Paris. Acme grew.",
    "Globex and Acme met; PARIS was calm. Acme Corporation is another firm.",
]


@pytest.fixture
def opened(project_location: str) -> Project:
    project = open_project(project_location, "alice")
    for n, text in enumerate(TEXTS):
        project.repo.add_document(NewDocument(f"d{n}", text))
    yield project
    project.close()


def _texts(project: Project, source: str) -> list[tuple[str, str]]:
    store = suggestion_store(project)
    out = []
    for s in store.find(SuggestionFilter(source=source)):
        text = project.repo.get_document(s.document_id).text
        out.append((text[s.start : s.end], s.label))
    return sorted(out)


def test_gazetteer_is_stored_and_run_over_the_corpus(opened: Project) -> None:
    gaz = Gazetteer(
        (
            GazetteerEntry("ORG", ("Acme", "Acme Corp", "Globex")),
            GazetteerEntry("GPE", ("paris",), ignore_case=True),
        )
    )
    save_gazetteer(opened, gaz)
    assert load_gazetteer(opened) == gaz
    seen: list[tuple[int, int]] = []
    run = suggest_gazetteer(opened, progress=lambda n, total: seen.append((n, total)))
    assert (run.documents, run.stored) == (2, 7)
    assert seen[-1] == (2, 2)
    assert _texts(opened, GAZETTEER_SOURCE) == sorted(
        [("Acme Corp", "ORG"), ("Paris", "GPE"), ("Acme", "ORG"), ("Globex", "ORG"),
         ("Acme", "ORG"), ("PARIS", "GPE"), ("Acme", "ORG")]
    )  # fmt: skip
    again = suggest_gazetteer(opened)
    assert again.stored == 0 and again.proposed == 7


def test_a_cancelled_run_stops_between_documents(opened: Project) -> None:
    save_gazetteer(opened, Gazetteer((GazetteerEntry("ORG", ("Acme",)),)))
    run = suggest_gazetteer(opened, cancelled=lambda: True)
    assert run.cancelled and run.documents == 0


def test_gazetteer_labels_must_be_in_the_schema(opened: Project) -> None:
    with pytest.raises(GazetteerError, match="COMPANY"):
        save_gazetteer(opened, Gazetteer((GazetteerEntry("COMPANY", ("Acme",)),)))
    with pytest.raises(GazetteerError, match="empty"):
        suggest_gazetteer(opened)


def test_gazetteer_files_csv_and_text(tmp_path: Path) -> None:
    csv_file = tmp_path / "terms.csv"
    csv_file.write_text(
        "label,term,type\nORG,Acme\nORG,\\b[A-Z]{4}\\b,regex\nGPE,Paris\n,nolabel\nORG,(,regex\n",
        encoding="utf-8",
    )
    read = read_gazetteer_file(csv_file)
    assert read.gazetteer.entry("ORG").terms == ("Acme",)  # type: ignore[union-attr]
    assert read.gazetteer.entry("ORG").patterns == (r"\b[A-Z]{4}\b",)  # type: ignore[union-attr]
    assert read.gazetteer.entry("GPE").terms == ("Paris",)  # type: ignore[union-attr]
    assert [p.split(": ")[0] for p in read.problems] == [f"{csv_file}:5", f"{csv_file}:6"]
    txt = tmp_path / "people.txt"
    txt.write_text("# people\nAnna Berg\n\nre:Dr\\. [A-Z]\\w+\nAnna Berg\n", encoding="utf-8")
    people = read_gazetteer_file(txt, label="PERSON")
    assert people.gazetteer.entry("PERSON").terms == ("Anna Berg",)  # type: ignore[union-attr]
    assert people.gazetteer.entry("PERSON").patterns == (r"Dr\. [A-Z]\w+",)  # type: ignore[union-attr]
    with pytest.raises(GazetteerError, match="needs a label"):
        read_gazetteer_file(txt)


def test_all_occurrences_in_this_document_or_every_document(opened: Project) -> None:
    doc_id = opened.repo.document_ids()[0]
    session = DocumentSession(opened, doc_id)
    start = TEXTS[0].index("Acme")
    session.apply(session.new_entity(start, start + 4, "ORG"))
    assert preview_occurrences(opened, doc_id, start, start + 4, "ORG") == 1
    assert preview_occurrences(opened, doc_id, start, start + 4, "ORG", every_document=True) == 3
    run = suggest_occurrences(opened, doc_id, start, start + 4, "ORG")
    assert run.stored == 1
    run = suggest_occurrences(opened, doc_id, start, start + 4, "ORG", every_document=True)
    assert run.stored == 2  # "Acme Corporation" counts: "Acme" is a whole word there
    assert {t for t, _ in _texts(opened, OCCURRENCES_SOURCE)} == {"Acme"}
    with pytest.raises(ValueError, match="COMPANY"):
        suggest_occurrences(opened, doc_id, start, start + 4, "COMPANY")


def test_quote_suggestions_propose_claims_speakers_and_untagged_people(
    project_location: str,
) -> None:
    with open_project(project_location, "alice") as project:
        doc_id, _ = project.repo.add_document(NewDocument("S", SEED.read_text(encoding="utf-8")))
        text = project.repo.get_document(doc_id).text
        session = DocumentSession(project, doc_id)
        start = text.index("Kathleen Brooks")
        session.apply(session.new_entity(start, start + len("Kathleen Brooks"), "PERSON"))
        run = suggest_quotes(project)
        found = run_pending(project, run)
        claims = [s for s in found if s.kind is SuggestionKind.CLAIM]
        people = {text[s.start : s.end] for s in found if s.kind is SuggestionKind.ENTITY}
        assert len(claims) == 17
        assert all(s.source == QUOTE_SOURCE and s.speaker is not None for s in claims)
        assert {"Howard Lutnick", "Kevin Hassett", "Trump"} <= people
        assert "Kathleen Brooks" not in people  # tagged already: no entity suggestion
        brooks = next(s for s in claims if text[s.start : s.end].startswith("the lack"))
        assert brooks.speaker is not None
        assert (brooks.speaker.start, brooks.speaker.end) == (start, start + 15)


def _ruler_pipeline(folder: Path) -> Path:
    if spacy is None:
        pytest.skip("spaCy is not installed")
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "ORG", "pattern": "Acme"},
            {"label": "GPE", "pattern": [{"LOWER": "paris"}]},
            {"label": "FAC", "pattern": "Globex"},
            {"label": "PER", "pattern": "Corp"},
        ]
    )
    nlp.meta["name"] = "ruler"
    nlp.meta["version"] = "1.2.0"
    nlp.to_disk(folder)
    return folder


def test_spacy_pipeline_from_a_folder_with_mapped_labels(opened: Project, tmp_path: Path) -> None:
    folder = _ruler_pipeline(tmp_path / "model")
    run, dropped = suggest_spacy(opened, str(folder))
    assert run.source == "spacy:en_ruler@1.2.0"
    assert dropped == {"FAC": 1}
    assert _texts(opened, run.source) == sorted(
        [("Acme", "ORG"), ("Corp", "PERSON"), ("Paris", "GPE"), ("Acme", "ORG"), ("PARIS", "GPE"),
         ("Acme", "ORG"), ("Acme", "ORG")]
    )  # fmt: skip
    run2, dropped2 = suggest_spacy(opened, str(folder), label_map={"FAC": "ORG"})
    assert dropped2 == {"ORG": 4, "GPE": 2, "PER": 1}
    assert run2.stored == 1  # only Globex is new


def test_a_missing_pipeline_is_one_clear_error(opened: Project, tmp_path: Path) -> None:
    if spacy is None:
        pytest.skip("spaCy is not installed")
    with pytest.raises(PipelineUnavailable, match="nowhere"):
        suggest_spacy(opened, str(tmp_path / "nowhere"))
