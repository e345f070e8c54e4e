"""No input crashes an importer: every bad record becomes a RecordError (a problem)."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.formats.brat import read_brat_pair
from annotator.formats.conll import read_conll
from annotator.formats.doccano import parse_doccano
from annotator.formats.hf_tokens import parse_hf_record as parse_hf
from annotator.formats.label_studio import parse_task
from annotator.formats.native_jsonl import RecordError
from annotator.formats.prodigy import parse_prodigy

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "x", "PERSON", "a 👍 b\r\nc", "text", "speaker", "claim", "label"]),
)
KEYS = st.sampled_from(
    [
        "text", "label", "labels", "entities", "relations", "spans", "tokens", "ner_tags",
        "data", "annotations", "predictions", "result", "value", "start", "end", "id",
        "type", "from_name", "from_id", "to_id", "start_offset", "end_offset", "choices",
        "meta", "status", "sentiment", "offset_unit",
    ]
)  # fmt: skip
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=6)),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=JSON)
def test_json_records_fail_only_with_record_errors(data: Any) -> None:
    for parse in (parse_doccano, parse_prodigy, parse_task):
        with contextlib.suppress(RecordError):
            parse(data)
    with contextlib.suppress(RecordError):
        parse_hf(data, None, "")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(st.sampled_from("ab 👍\n\r\tB-I-O-XT1:;#A0123456789"), max_size=60),
    ann=st.text(st.sampled_from("TRAM#E\t :;0123456789abcClaimSpeakerArg"), max_size=80),
)
def test_text_formats_never_raise(text: str, ann: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "x.conll").write_text(text, "utf-8")
        list(read_conll(folder / "x.conll"))
        (folder / "d.txt").write_text(text, "utf-8")
        (folder / "d.ann").write_text(ann, "utf-8")
        read_brat_pair(folder / "d.ann")
