"""The articles the interop suite sends through the real tools: emoji, CJK, RTL, overlaps.

Written as Annotator's native JSONL and imported with ``annotator import``, so the
exports under test come from a real project. The first article has no annotations (a
doccano relations export then starts with an unannotated record).
"""

from __future__ import annotations

import json
from typing import Any

QUIET = "Markets were quiet on Monday; traders waited for the central bank."
NEWS = (
    "🇬🇧 Traders in 北京 said that “tariffs will fall by 5% 👍🏽” before the summit, "
    "Liu He told Reuters 🎉."
)
CJK = "🎉🎉東京都の小池百合子知事は会見で新しい経済対策を発表した。日本銀行も支持した。"
RTL = "👍 قال محمد بن سلمان في الرياض إن الاتفاق مع אלי כהן تم 🎉."
ASCII = "Acme Corp. hired Jane Doe in Paris, said Acme spokesman Bob Smith."


def at(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def _entity(eid: str, text: str, needle: str, label: str) -> dict[str, Any]:
    s, e = at(text, needle)
    return {"id": eid, "start": s, "end": e, "label": label, "text": needle}


def records() -> list[dict[str, Any]]:
    """The native JSONL records (code point offsets)."""
    claim_s, claim_e = at(NEWS, "tariffs will fall by 5% 👍🏽")
    hire_s, hire_e = at(ASCII, "Acme Corp. hired Jane Doe in Paris")
    return [
        {"id": "quiet", "text": QUIET, "meta": {"title": "Quiet markets"}, "schema_version": 1},
        {
            "id": "news",
            "text": NEWS,
            "meta": {"title": "Tariffs"},
            "status": "done",
            "entities": [
                _entity("n1", NEWS, "Traders", "NORP"),
                _entity("n2", NEWS, "北京", "GPE"),
                _entity("n3", NEWS, "5%", "PERCENT"),
                _entity("n4", NEWS, "Liu He", "PERSON"),
                _entity("n5", NEWS, "Reuters", "ORG"),
                _entity("n6", NEWS, "🇬🇧", "GPE"),
            ],
            "claims": [
                {
                    "id": "nc1",
                    "start": claim_s,
                    "end": claim_e,
                    "speaker": "n4",
                    "attributes": {"type": "prediction", "stance": "neutral"},
                }
            ],
            "sentiment": {
                "document": "positive",
                "targets": [{"id": "nt1", "entity": "n5", "label": "neutral"}],
            },
            "schema_version": 1,
        },
        {
            "id": "cjk",
            "text": CJK,
            "meta": {"title": "東京"},
            "entities": [
                _entity("j1", CJK, "東京都", "GPE"),
                _entity("j2", CJK, "小池百合子", "PERSON"),
                _entity("j3", CJK, "日本銀行", "ORG"),
            ],
            "schema_version": 1,
        },
        {
            "id": "rtl",
            "text": RTL,
            "meta": {"title": "الرياض"},
            "entities": [
                _entity("r1", RTL, "محمد بن سلمان", "PERSON"),
                _entity("r2", RTL, "الرياض", "GPE"),
                _entity("r3", RTL, "אלי כהן", "PERSON"),
            ],
            "schema_version": 1,
        },
        {
            "id": "ascii",
            "text": ASCII,
            "meta": {"title": "Acme"},
            "entities": [
                _entity("a1", ASCII, "Acme Corp.", "ORG"),
                _entity("a2", ASCII, "Acme", "ORG"),  # nested in a1: an overlap
                _entity("a3", ASCII, "Jane Doe", "PERSON"),
                _entity("a4", ASCII, "Paris", "GPE"),
                _entity("a5", ASCII, "Bob Smith", "PERSON"),
            ],
            "claims": [
                {"id": "ac1", "start": hire_s, "end": hire_e, "speaker_text": "a spokesman"}
            ],
            "schema_version": 1,
        },
    ]


def jsonl() -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records())


# Spans made inside the tools through their APIs (text, label), on emoji/CJK/RTL text.
MADE_IN_TOOLS: dict[str, list[tuple[str, str]]] = {
    "news": [("Traders", "NORP"), ("Reuters", "ORG")],
    "cjk": [("小池百合子", "PERSON"), ("日本銀行", "ORG"), ("会見", "EVENT")],
    "rtl": [("الرياض", "GPE"), ("אלי כהן", "PERSON")],
}
