"""Fuzzing the importers: random bytes and structurally wrong JSON never crash an import,
and every refusal names the file and, where there is one, the line."""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError

from annotator.services.importing import import_paths
from annotator.services.project import Project, open_project

pytestmark = pytest.mark.slow
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_counter = itertools.count()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    folder = tmp_path_factory.mktemp("fuzz")
    with open_project(folder / "fuzz.annotator", "fuzzer", backup=False) as opened:
        yield opened


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("inbox")


def _write(folder: Path, suffix: str, data: bytes) -> Path:
    path = folder / f"f{next(_counter)}{suffix}"
    path.write_bytes(data)
    return path


def _check_report(project: Project, path: Path, lines: int | None) -> None:
    """Import must return a report: refusals name this file, and a line when there are lines."""
    report = import_paths(project, [path])
    for problem in report.problems:
        assert problem.path == str(path)
        assert problem.message
        if lines is not None:
            assert problem.line is not None and 1 <= problem.line <= lines, problem
        assert str(problem).startswith(str(path))
    if lines is not None:
        assert report.imported + report.duplicates + report.refused <= lines


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".txt", ".md"]))
def test_random_bytes_as_article(project: Project, inbox: Path, data: bytes, suffix: str) -> None:
    path = _write(inbox, suffix, data)
    report = import_paths(project, [path])
    assert report.imported + report.duplicates + report.refused == 1
    for problem in report.problems:
        assert problem.path == str(path)
        if b"\x00" in data or problem.message.startswith("not valid UTF-8"):
            assert problem.line is not None  # a line exists: it is named


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_as_jsonl(project: Project, inbox: Path, data: bytes) -> None:
    path = _write(inbox, ".jsonl", data)
    _check_report(project, path, max(1, len(data.splitlines())))


# Text including lone surrogates (json.dumps writes them as \\udXXX escapes), numbers
# including NaN/Infinity and integers too long for Python to convert.
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=20)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(4290, 4400).map(lambda n: 10**n)
    | st.floats()
    | any_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)

TEXT = "Angela Merkel met Emmanuel Macron in Paris on Tuesday. 🇩🇪 Ça va."
VALID: dict[str, Any] = {
    "id": "doc",
    "text": TEXT,
    "meta": {"title": "Talks", "source": "wire"},
    "status": "done",
    "annotator": "alice",
    "entities": [
        {"id": "e1", "start": 0, "end": 13, "label": "PERSON", "text": "Angela Merkel"},
        {"id": "e2", "start": 18, "end": 33, "label": "PERSON"},
    ],
    "claims": [{"id": "c1", "start": 0, "end": 40, "speaker": "e1", "attributes": {"a": "b"}}],
    "sentiment": {"document": "neutral", "targets": [{"entity": "e2", "label": "positive"}]},
}
PATHS = [
    ("id",),
    ("text",),
    ("meta",),
    ("meta", "title"),
    ("status",),
    ("annotator",),
    ("entities",),
    ("entities", 0),
    ("entities", 0, "start"),
    ("entities", 0, "end"),
    ("entities", 0, "label"),
    ("entities", 1, "id"),
    ("claims",),
    ("claims", 0),
    ("claims", 0, "speaker"),
    ("claims", 0, "attributes"),
    ("claims", 0, "speaker_text"),
    ("sentiment",),
    ("sentiment", "document"),
    ("sentiment", "targets"),
    ("sentiment", "targets", 0, "entity"),
    ("sentiment", "targets", 0, "label"),
]


def _dumps(value: Any, ensure_ascii: bool = True) -> str:
    """json.dumps that can also write integers longer than Python's conversion limit."""
    limit = getattr(sys, "get_int_max_str_digits", lambda: 0)()
    if limit:
        sys.set_int_max_str_digits(0)
    try:
        return json.dumps(value, ensure_ascii=ensure_ascii)
    finally:
        if limit:
            sys.set_int_max_str_digits(limit)


def _mutate(record: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(record)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


@st.composite
def wrong_records(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["mutated", "duplicated", "arbitrary", "unicode"]))
    if kind == "arbitrary":
        return draw(json_values)
    record = dict(VALID, text=f"{TEXT} {draw(st.integers(0, 10**9))}")
    if kind == "duplicated":  # a list item repeated: same ids, same targets
        record = copy.deepcopy(record)
        where = draw(st.sampled_from(["entities", "claims", "targets"]))
        items = record["sentiment"]["targets"] if where == "targets" else record[where]
        items.append(dict(items[0]))
        return record
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        with contextlib.suppress(KeyError, IndexError, TypeError):  # parent already replaced
            record = _mutate(record, path, draw(json_values))
    if kind == "unicode":
        record["text"] = draw(st.text(min_size=1, max_size=200))
    return record


@FUZZ
@given(records=st.lists(wrong_records(), min_size=1, max_size=6), blank=st.booleans())
def test_structurally_wrong_jsonl(
    project: Project, inbox: Path, records: list[Any], blank: bool
) -> None:
    lines = [_dumps(r, ensure_ascii=bool(blank)) for r in records]
    if blank:
        lines.insert(1, "")
    data = ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    path = _write(inbox, ".jsonl", data)
    _check_report(project, path, len(lines))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"text": "big id", "id": ' + "9" * 5000 + "}", "invalid JSON"),
        ('{"text": "nan", "meta": {"x": NaN}}', "NaN is not a JSON number"),
        ('{"text": "t", "meta": {"title": "\\ud800"}}', "unpaired UTF-16 surrogate"),
        ('{"text": "t", "sentiment": {"document": "\\udfff"}}', "unpaired UTF-16 surrogate"),
        (
            '{"text": "hello", "claims": [{"id": "c", "start": 0, "end": 5},'
            ' {"id": "c", "start": 1, "end": 5}]}',
            "duplicate id",
        ),
        (
            '{"text": "hello", "entities": [{"id": "e", "start": 0, "end": 5, "label": "X"}],'
            ' "sentiment": {"targets": [{"entity": "e", "label": "p"},'
            ' {"entity": "e", "label": "n"}]}}',
            "already has a sentiment",
        ),
        ("[" * 100_000, "nested too deeply"),
    ],
    ids=[
        "huge-int",
        "nan",
        "surrogate-title",
        "surrogate-label",
        "dup-claim",
        "dup-target",
        "deep",
    ],
)
def test_regressions_found_by_fuzzing(
    project: Project, inbox: Path, line: str, message: str
) -> None:
    path = _write(
        inbox, ".jsonl", ('{"text": "fine ' + str(next(_counter)) + '"}\n' + line + "\n").encode()
    )
    report = import_paths(project, [path])
    assert report.imported == 1
    assert [(p.path, p.line) for p in report.problems] == [(str(path), 2)]
    assert message in report.problems[0].message


def test_record_the_store_rejects_is_refused_with_file_and_line(
    project: Project, inbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Last line of defence: a record storage refuses becomes a problem; the rest still import."""
    real = project.repo.begin_annotated_batch  # what the import stores each batch with

    def picky(items: Any, annotator: str) -> Any:
        if any("poison" in item.document.text for item in items):
            raise IntegrityError("INSERT ...", {}, Exception("constraint failed\nSQL: INSERT ..."))
        return real(items, annotator)

    monkeypatch.setattr(project.repo, "begin_annotated_batch", picky)
    n = next(_counter)
    body = "\n".join(
        json.dumps({"text": f"{word} {n}"}) for word in ["good one", "poison", "good two"]
    )
    path = _write(inbox, ".jsonl", body.encode())
    report = import_paths(project, [path])
    assert report.imported == 2
    assert [str(p) for p in report.problems] == [
        f"{path}:2: cannot store this record: constraint failed"
    ]
