"""`annotator agreement` on a merged team project, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main as cli_main
from annotator.services.agreement import project_agreement
from annotator.services.merge import merge_projects
from annotator.services.project import open_project
from tests.services.review_corpus import ENTITIES, analyst_project


@pytest.fixture
def team(tmp_path: Path, project_location: str) -> str:
    sources = [analyst_project(tmp_path / f"{who}.annotator", who) for who in ENTITIES]
    merge_projects(sources, project_location)
    return project_location


def test_cli_agreement_json_shape_and_figures(
    team: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli_main(["agreement", "--project", team, "--annotators", "alice,bob", "--json"])
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["annotators"] == ["alice", "bob"]
    assert set(report) >= {"annotators", "entities", "claims", "document_sentiment"}
    ents = report["entities"]
    assert set(ents) == {"per_label", "micro_f1", "relaxed_micro_f1", "pairs"}
    # only article 0 is annotated by both: PERSON agrees, GPE (alice) vs LOC (bob)
    assert ents["per_label"]["PERSON"] == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "support": 1,
    }
    assert ents["per_label"]["GPE"]["support"] == 1 and ents["per_label"]["GPE"]["f1"] == 0.0
    assert ents["per_label"]["LOC"]["support"] == 0
    assert ents["micro_f1"] == pytest.approx(0.5)
    assert ents["relaxed_micro_f1"] == pytest.approx(0.5)
    assert ents["pairs"][0]["documents"] == 1
    assert report["claims"]["span_f1"] == 1.0
    assert report["claims"]["speaker_agreement"] == 1.0
    doc = report["document_sentiment"]
    assert set(doc) >= {"cohen_kappa", "krippendorff_alpha", "units"}
    assert doc["units"] == 1  # positive vs neutral on one article
    assert doc["cohen_kappa"] == pytest.approx(0.0)
    assert doc["krippendorff_alpha"] == pytest.approx(0.0)


def test_three_analysts_mean_over_pairs(team: str) -> None:
    with open_project(team, create=False, lock=False) as project:
        report = project_agreement(project)
    assert report["annotators"] == ["alice", "bob", "carol"]
    pairs = {tuple(p["annotators"]): p for p in report["entities"]["pairs"]}
    assert pairs[("alice", "carol")]["documents"] == 1  # article 1
    assert pairs[("bob", "carol")]["micro_f1"] == 1.0  # article 2: the same PERSON
    means = [p["micro_f1"] for p in pairs.values()]
    assert report["entities"]["micro_f1"] == pytest.approx(sum(means) / 3)


def test_cli_agreement_text_and_bad_names(team: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["agreement", "--project", team]) == 0
    out = capsys.readouterr().out
    assert "Krippendorff's alpha" in out and "pair alice / bob" in out
    assert cli_main(["agreement", "--project", team, "--annotators", "alice,zed"]) == 2
    assert "no annotator named zed" in capsys.readouterr().err


def test_stats_json_keeps_old_keys_and_adds_review_figures(
    team: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli_main(["stats", "--project", team, "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    for key in ("documents", "by_status", "entities", "labels", "annotators", "annotations_today"):
        assert key in stats
    assert stats["documents"] == 3
    assert set(stats["throughput"]) == {"alice", "bob", "carol"}
    assert sum(sum(days.values()) for days in stats["throughput"].values()) == (
        stats["entities"] + stats["claims"]
    )
    assert sum(stats["documents_done_per_day"].values()) == stats["by_status"]["done"] == 1
    # PERSON F1 per pair: alice/bob 1, alice/carol 2/3 (carol has one more), bob/carol 1
    assert stats["agreement_per_label"]["PERSON"] == pytest.approx(8 / 9)
