"""Who said what across the corpus: speakers merged into entities, filters, search, sentiment."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from annotator.services.merge import merge_projects
from annotator.services.project import open_project
from annotator.services.review import (
    ClaimFilter,
    claims_of,
    confirm_merge,
    confirmed_merges,
    document_date,
    search,
    sentiment_over_time,
    speaker_groups,
    suggest_merges,
    undo_merge,
)
from tests.services.review_corpus import ENTITIES, TEXTS, analyst_project


@pytest.fixture
def team(tmp_path: Path, project_location: str) -> str:
    sources = [analyst_project(tmp_path / f"{who}.annotator", who) for who in ENTITIES]
    merge_projects(sources, project_location)
    return project_location


def test_speakers_suggested_confirmed_and_grouped(team: str) -> None:
    with open_project(team) as project:
        groups = speaker_groups(project)
        # each claim was marked by two analysts alike: it counts once
        assert {g.canonical: g.claims for g in groups} == {
            "Kevin Hassett": 1,
            "Hassett": 1,
            "Trump": 1,
        }
        names = [n for g in groups for n in g.names]
        assert suggest_merges(names, confirmed_merges(project)) == {"Kevin Hassett": ["Hassett"]}
        confirm_merge(project, "Kevin Hassett", ["Hassett", "Trump's chief economic advisor"])
        assert confirmed_merges(project) == {
            "Kevin Hassett": ["Hassett", "Trump's chief economic advisor"]
        }
        assert suggest_merges(names, confirmed_merges(project)) == {}
        groups = speaker_groups(project)
        assert [(g.canonical, g.claims) for g in groups] == [("Kevin Hassett", 2), ("Trump", 1)]
        hassett = groups[0]
        claims = claims_of(project, hassett)
        assert [(c.speaker, c.annotators) for c in claims] == [
            ("Kevin Hassett", ("alice", "bob")),
            ("Hassett", ("alice", "carol")),
        ]
        assert claims[0].sentiments == ("neutral", "positive")
        assert {c.canonical for c in claims} == {"Kevin Hassett"}
        assert claims[0].text == TEXTS[0][14:-1]
        undo_merge(project, "Hassett")
        assert [g.canonical for g in speaker_groups(project)][:2] == ["Hassett", "Kevin Hassett"]


def test_filters_by_date_sentiment_attribute_and_annotator(team: str) -> None:
    with open_project(team) as project:
        confirm_merge(project, "Kevin Hassett", ["Hassett"])
        group = speaker_groups(project)[0]
        later = claims_of(project, group, ClaimFilter(date_from=date(2025, 6, 11)))
        assert [(c.date, c.annotators) for c in later] == [(date(2025, 6, 11), ("alice", "carol"))]
        assert claims_of(project, group, ClaimFilter(date_to=date(2025, 6, 9))) == []
        neutral = claims_of(project, group, ClaimFilter(sentiment="neutral"))
        assert [c.title for c in neutral] == ["article 0"]  # bob's sentiment there
        assert claims_of(project, group, ClaimFilter(attributes={"stance": "critical"})) == []
        assert len(claims_of(project, group, ClaimFilter(attributes={"stance": "neutral"}))) == 2
        assert [c.title for c in claims_of(project, None, ClaimFilter(annotator="carol"))] == [
            "article 1",
            "article 2",
        ]
        assert len(claims_of(project, None, ClaimFilter(text="tariffs"))) == 1


def test_search_jumps_to_spans(team: str) -> None:
    with open_project(team, create=False, lock=False) as project:
        hits = search(project, "hassett")
        kinds = {h.kind for h in hits}
        assert kinds == {"document", "entity", "claim"}
        doc_hit = next(h for h in hits if h.kind == "document" and h.title == "article 1")
        assert TEXTS[1][doc_hit.start : doc_hit.end] == "Hassett"
        entity = next(h for h in hits if h.kind == "entity")
        assert entity.what.startswith("PERSON: ")
        assert search(project, "PERSON") and all(
            h.kind == "entity" for h in search(project, "PERSON")
        )
        assert search(project, "   ") == []


def test_target_sentiment_over_time(team: str) -> None:
    with open_project(team) as project:
        # unmerged: only entities whose text is exactly "Hassett" (article 1, alice and carol)
        assert sentiment_over_time(project, "Hassett") == {"2025-06": {"positive": 2}}
        confirm_merge(project, "Kevin Hassett", ["Hassett"])
        assert sentiment_over_time(project, "Hassett") == {"2025-06": {"positive": 4}}
        assert sentiment_over_time(project, "Kevin Hassett", by="day") == {
            "2025-06-10": {"positive": 2},
            "2025-06-11": {"positive": 2},
        }


def test_document_date_falls_back_to_import_day() -> None:
    made = datetime(2024, 3, 5, 23, 0, tzinfo=timezone.utc)
    assert document_date({"date": "2025-06-10T09:00:00Z"}, made) == date(2025, 6, 10)
    assert document_date({"published": "on 2025-02-30"}, made) == date(2024, 3, 5)
    assert document_date({}, made) == date(2024, 3, 5)
