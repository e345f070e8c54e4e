"""CoNLL-2003 style columns: ``token POS chunk NER`` per line, BIO (IOB2) tags.

Export: one ``-DOCSTART- -X- -X- O`` line and a blank line per document; sentences are
the document's lines (a blank line after each). POS and chunk columns are ``_``.
Import: the last column is the tag (IOB1, IOB2, BIOES/BILOU); other columns are ignored;
text is rebuilt with single spaces between tokens and newlines between sentences.
Without ``-DOCSTART-`` lines every sentence is a document.

Cannot express: claims, sentiment, overlapping or nested entities (the longer is kept,
the other reported), the original spacing, titles, ids and metadata.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from annotator.core.model import AnnotatedDocument, DocumentAnnotations
from annotator.formats.bio import entities_from_tags, join_tokens, split_tag
from annotator.formats.export_context import ExportContext
from annotator.formats.json_lines import bounded_lines
from annotator.formats.limits import ImportLimits, current_limits, open_regular
from annotator.formats.problems import FormatError, ImportProblem, RecordError
from annotator.formats.source_text import annotated, new_document, normalise_tokens
from annotator.formats.token_spans import aligned_tokens, bio_tags
from annotator.formats.tokenize import Token

DOCSTART = "-DOCSTART-"


def sentences_of(text: str, tokens: list[Token]) -> list[list[int]]:
    """Token indices grouped into sentences: a line break between tokens ends a sentence."""
    groups: list[list[int]] = []
    prev_end = -1
    for i, (start, end) in enumerate(tokens):
        if not groups or "\n" in text[prev_end:start]:
            groups.append([])
        groups[-1].append(i)
        prev_end = end
    return groups


def write_conll(items: Iterable[AnnotatedDocument], out: BinaryIO, ctx: ExportContext) -> int:
    n = 0
    for item in ctx.counted(items):
        text = item.document.text
        tokens = aligned_tokens(item, ctx)
        ctx.lose_unwritten(item)
        tags = bio_tags(item, tokens, ctx, "the CoNLL tags")
        lines = [f"{DOCSTART} -X- -X- O", ""]
        for sentence in sentences_of(text, tokens):
            for i in sentence:
                start, end = tokens[i]
                lines.append(f"{text[start:end]} _ _ {tags[i]}")
            lines.append("")
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
        n += 1
    return n


class _NotUtf8(Exception):
    def __init__(self, line: int, reason: str) -> None:
        self.line, self.reason = line, reason


def _text_lines(handle: BinaryIO, limits: ImportLimits) -> Iterator[tuple[int, str | None, int]]:
    """(line number, text or None if too long, length) per line, split like universal
    newlines (LF, CRLF or CR); raises _NotUtf8 naming the line."""
    number = 0
    for _n, raw in bounded_lines(handle, limits.max_record_bytes):
        if raw is None:
            number += 1
            yield number, None, 0
            continue
        if number == 0 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _NotUtf8(number + 1, exc.reason) from None
        pieces = text.replace("\r\n", "\n").split("\r")
        for piece in pieces:
            number += 1
            yield number, piece, len(piece)


def read_conll(path: Path, annotator: str = "") -> Iterator[AnnotatedDocument | ImportProblem]:
    """Documents of a CoNLL file; a bad line refuses its document, naming file and line."""
    try:
        handle = open_regular(path)
    except FormatError as exc:
        yield exc.problem
        return
    limits = current_limits()
    with handle:
        sentences: list[list[str]] = [[]]
        tags: list[list[str]] = [[]]
        doc_line: int | None = None
        doc_bytes = 0
        bad: ImportProblem | None = None
        by_docstart: bool | None = None

        def flush() -> Iterator[AnnotatedDocument | ImportProblem]:
            nonlocal sentences, tags, bad, doc_line, doc_bytes
            if bad is not None:
                yield bad
            elif doc_line is not None:
                try:
                    yield _document(sentences, tags, annotator, f"{path.name}:{doc_line}")
                except RecordError as exc:
                    yield ImportProblem(str(path), doc_line, str(exc))
            sentences, tags, bad, doc_line, doc_bytes = [[]], [[]], None, None, 0

        try:
            for number, raw, size in _text_lines(handle, limits):
                if raw is None:
                    bad = bad or ImportProblem(str(path), number, limits.record_refusal())
                    continue
                cols = raw.split()
                if by_docstart is None and cols:
                    by_docstart = cols[0] == DOCSTART
                if cols and cols[0] == DOCSTART:
                    yield from flush()
                elif not cols:
                    if by_docstart:
                        if sentences[-1]:
                            sentences.append([])
                            tags.append([])
                    elif doc_line is not None or bad is not None:
                        yield from flush()
                elif len(cols) < 2:
                    bad = bad or ImportProblem(str(path), number, "expected a token and a tag")
                elif bad is not None:
                    continue
                else:
                    try:
                        split_tag(cols[-1])
                    except RecordError as exc:
                        bad = ImportProblem(str(path), number, str(exc))
                        continue
                    doc_bytes += size
                    if doc_bytes > limits.max_record_bytes:
                        bad = ImportProblem(str(path), doc_line or number, limits.record_refusal())
                        sentences, tags = [[]], [[]]
                        continue
                    if doc_line is None:
                        doc_line = number
                    sentences[-1].append(cols[0])
                    tags[-1].append(cols[-1])
        except _NotUtf8 as exc:
            yield ImportProblem(str(path), exc.line, f"not valid UTF-8 ({exc.reason})")
            return
        except OSError as exc:
            yield ImportProblem(str(path), None, f"cannot read file: {exc.strerror or exc}")
            return
        yield from flush()


def _document(
    sentences: list[list[str]], tags: list[list[str]], annotator: str, source: str
) -> AnnotatedDocument:
    pairs = [(normalise_tokens(s), t) for s, t in zip(sentences, tags, strict=True) if s]
    text, offsets = join_tokens([s for s, _ in pairs])
    entities = []
    for row, (_s, sentence_tags) in zip(offsets, pairs, strict=True):
        entities += entities_from_tags(row, sentence_tags, annotator)
    doc = new_document(text, source=source)
    return annotated(doc, DocumentAnnotations.of(entities))
