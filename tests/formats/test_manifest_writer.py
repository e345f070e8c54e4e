"""The export's hashing writer (a helper thread hashes and writes) and the export counts."""

from __future__ import annotations

import hashlib
import io
import threading

import pytest

from annotator.core.model import AnnotatedDocument, Document, DocumentAnnotations, EntitySpan
from annotator.formats import export_context
from annotator.formats.export_context import ExportContext
from annotator.formats.manifest import HashingWriter


def _pieces(n: int) -> list[bytes]:
    return [(f"line {i} " + "é" * (i % 700) + "\n").encode() for i in range(n)]


def test_everything_arrives_in_order_with_its_hash() -> None:
    out = io.BytesIO()
    pieces = _pieces(5000)  # several chunks of CHUNK bytes
    with HashingWriter(out) as writer:
        for piece in pieces:
            assert writer.write(piece) == len(piece)
    data = b"".join(pieces)
    assert len(data) > 3 * HashingWriter.CHUNK
    assert out.getvalue() == data
    assert writer.size == writer.tell() == len(data)
    assert writer.hexdigest() == hashlib.sha256(data).hexdigest()


def test_flush_writes_what_was_gathered() -> None:
    out = io.BytesIO()
    writer = HashingWriter(out)
    writer.write(b"small")
    assert out.getvalue() == b""  # still gathered
    writer.flush()
    assert out.getvalue() == b"small"
    assert writer.hexdigest() == hashlib.sha256(b"small").hexdigest()
    writer.close()
    with pytest.raises(ValueError):
        writer.write(b"more")


def test_nothing_written_needs_no_thread() -> None:
    with HashingWriter(io.BytesIO()) as writer:
        pass
    assert writer.hexdigest() == hashlib.sha256(b"").hexdigest()


class _Failing(io.RawIOBase):
    def __init__(self, after: int) -> None:
        self.after, self.seen = after, 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.seen += 1
        if self.seen > self.after:
            raise OSError(28, "No space left on device")
        return len(data)


def test_an_error_on_the_thread_reaches_the_exporter() -> None:
    writer = HashingWriter(_Failing(after=1))  # type: ignore[arg-type]
    with pytest.raises(OSError, match="No space"), writer:
        for piece in _pieces(20_000):
            writer.write(piece)
    assert not any(t.name == "export-writer" for t in threading.enumerate())


def test_leaving_on_an_error_stops_the_thread_and_writes_no_more() -> None:
    out = io.BytesIO()
    pieces = _pieces(5000)
    with pytest.raises(RuntimeError), HashingWriter(out) as writer:
        for piece in pieces:
            writer.write(piece)
        raise RuntimeError("cancelled")
    assert len(out.getvalue()) < len(b"".join(pieces))  # the gathered rest was dropped
    assert b"".join(pieces).startswith(out.getvalue())
    assert not any(t.name == "export-writer" for t in threading.enumerate())


def _item(i: int, labels: list[str]) -> AnnotatedDocument:
    ann = DocumentAnnotations.of(
        EntitySpan(f"e{i}-{k}", k, k + 1, label) for k, label in enumerate(labels)
    )
    if i % 3 == 0:
        ann.document_sentiment = "positive"
    return AnnotatedDocument(Document(f"d{i}", "t", "x" * 50), ann)


def test_counts_and_labels_across_tally_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export_context, "COUNT_EVERY", 7)
    items = [_item(i, ["A", "B", "A"][: i % 4]) for i in range(100)]
    ctx = ExportContext()
    seen = []
    ctx.on_item = seen.append
    assert list(ctx.counted(items)) == items
    assert seen == list(range(1, 101))
    expected = {"A": 0, "B": 0}
    for i in range(100):
        for label in ["A", "B", "A"][: i % 4]:
            expected[label] += 1
    assert dict(ctx.label_counts) == expected
    assert ctx.counts["documents"] == 100
    assert ctx.counts["entities"] == sum(expected.values())
    assert ctx.counts["document_sentiments"] == 34
    assert ctx.counts["claims"] == 0 and "claims" in ctx.counts


def test_counts_of_a_stream_closed_early_are_what_passed() -> None:
    ctx = ExportContext()
    stream = ctx.counted(_item(i, ["A"]) for i in range(10))
    for _ in range(4):
        next(stream)
    stream.close()
    assert ctx.counts["documents"] == 4
    assert ctx.label_counts["A"] == 4


def test_an_empty_stream_counts_nothing() -> None:
    ctx = ExportContext()
    assert list(ctx.counted([])) == []
    assert dict(ctx.counts) == {} and dict(ctx.label_counts) == {}
