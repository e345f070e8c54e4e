"""No input crashes an importer: every bad record becomes a RecordError (a problem)."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.model import AnnotatedDocument
from annotator.formats.brat import read_brat_pair
from annotator.formats.conll import read_conll
from annotator.formats.doccano import parse_doccano
from annotator.formats.hf_tokens import parse_hf_record as parse_hf
from annotator.formats.label_studio import parse_task
from annotator.formats.problems import RecordError
from annotator.formats.prodigy import parse_prodigy
from tests.fuzzing.seeds import SEEDS, DrawChooser, mutated_files, run_importer

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


# -- structured fuzzing of every importer, through its files ----------------------------
# Valid files of each format, broken structurally (hostile JSON values, dropped keys,
# repeated items) and byte-wise (truncation, flips, splices): every outcome must be a
# valid document or a one-line refusal naming the file. Any other exception fails.

IMPORTER_SEEDS = sorted(SEEDS)


@pytest.mark.parametrize("seed_name", IMPORTER_SEEDS)
def test_every_seed_imports_cleanly(tmp_path: Path, seed_name: str) -> None:
    seed = SEEDS[seed_name]
    if seed.fmt == "spacy":
        pytest.importorskip("spacy")
    files = mutated_files(_Unchanged(), seed)
    out = run_importer(seed, tmp_path, files)
    assert out and all(isinstance(item, AnnotatedDocument) for item in out), out


class _Unchanged:
    """A Chooser that never mutates: the seed itself."""

    def integer(self, low: int, high: int) -> int:
        return low

    def pick(self, options: Any) -> Any:
        return options[0]

    def raw(self, size: int) -> bytes:
        return b" " * size


def _fuzz_importer(seed_name: str) -> Callable[..., None]:
    @settings(
        max_examples=100 if seed_name == "spacy" else 200,  # spaCy is slow to set up
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        database=None,
    )
    @given(data=st.data())
    def fuzz(tmp_path: Path, data: st.DataObject) -> None:
        seed = SEEDS[seed_name]
        if seed.fmt == "spacy":
            pytest.importorskip("spacy")
        files = mutated_files(DrawChooser(data.draw), seed)
        with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
            run_importer(seed, Path(folder), files)

    fuzz.__name__ = f"test_fuzz_{seed_name.replace('-', '_')}"
    return fuzz


for _name in IMPORTER_SEEDS:
    globals()[f"test_fuzz_{_name.replace('-', '_')}"] = _fuzz_importer(_name)
