"""The quote detector against hand-written gold: precision and recall for claims and speakers.

Gold files (tests/core/quotation_gold/): every quotation of the seed article, and a set of
quotations in varied styles and languages. A claim counts when its span is exact; a speaker
counts when the claim counts and the speaker's text is the gold mention or one of its
aliases. Thresholds: claims 0.9, speakers 0.85 (precision and recall each).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.core.quotation import detect_quotations
from annotator.core.text import decode_article, normalise_text

GOLD = Path(__file__).parent / "quotation_gold"
ROOT = Path(__file__).resolve().parents[2]


def _seed_documents() -> list[tuple[str, str, list[dict[str, Any]]]]:
    gold = json.loads((GOLD / "seed_us_china_trade_talks.json").read_text(encoding="utf-8"))
    text = normalise_text(decode_article((ROOT / gold["document"]).read_bytes()))
    return [(gold["document"], text, gold["claims"])]


def _varied_documents() -> list[tuple[str, str, list[dict[str, Any]]]]:
    gold = json.loads((GOLD / "varied_styles.json").read_text(encoding="utf-8"))
    return [(d["id"], d["text"], d["claims"]) for d in gold["documents"]]


def _scores(documents: list[tuple[str, str, list[dict[str, Any]]]]) -> dict[str, float]:
    gold_claims = predicted = claims_right = predicted_speakers = speakers_right = 0
    for _name, text, claims in documents:
        gold = {(c["start"], c["end"]): c for c in claims}
        gold_claims += len(gold)
        for found in detect_quotations(text):
            predicted += 1
            expected = gold.get((found.start, found.end))
            if expected is not None:
                claims_right += 1
            if found.speaker is None:
                continue
            predicted_speakers += 1
            said = text[found.speaker.start : found.speaker.end]
            if expected is not None and said in {
                expected["speaker"]["text"],
                *expected["speaker_aliases"],
            }:
                speakers_right += 1
    return {
        "claim_precision": claims_right / max(predicted, 1),
        "claim_recall": claims_right / max(gold_claims, 1),
        "speaker_precision": speakers_right / max(predicted_speakers, 1),
        "speaker_recall": speakers_right / max(gold_claims, 1),
    }


@pytest.mark.parametrize("gold", ["seed", "varied"])
def test_gold_offsets_are_exact(gold: str) -> None:
    documents = _seed_documents() if gold == "seed" else _varied_documents()
    for _name, text, claims in documents:
        for claim in claims:
            assert text[claim["start"] : claim["end"]] == claim["text"]
            speaker = claim["speaker"]
            assert text[speaker["start"] : speaker["end"]] == speaker["text"]


def test_gold_sizes() -> None:
    assert len(_seed_documents()[0][2]) >= 15
    assert sum(len(c) for _n, _t, c in _varied_documents()) >= 20


@pytest.mark.parametrize("gold", ["seed", "varied"])
def test_detector_precision_and_recall(gold: str, record_property: Any) -> None:
    scores = _scores(_seed_documents() if gold == "seed" else _varied_documents())
    for key, value in scores.items():
        record_property(key, round(value, 3))
    print(
        f"\nquote detector on {gold} gold: " + ", ".join(f"{k} {v:.3f}" for k, v in scores.items())
    )
    assert scores["claim_precision"] >= 0.9, scores
    assert scores["claim_recall"] >= 0.9, scores
    assert scores["speaker_precision"] >= 0.85, scores
    assert scores["speaker_recall"] >= 0.85, scores
