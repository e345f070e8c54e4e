"""brat standoff: a ``.txt`` and an ``.ann`` per document, in a zip or a folder.

``.ann`` lines: ``T`` text-bound (entities by label, claims as ``Claim``; a span across
line breaks becomes fragments ``s e;s e``), ``R`` ``Speaker Arg1:T<claim> Arg2:T<entity>``,
``A`` claim attributes (``A1<TAB>type T3 statement``) and target sentiment
(``Sentiment T1 positive``), ``#`` ``AnnotatorNotes`` with ``speaker: <text>`` for
free-text speakers. An ``annotation.conf`` describing these types is included.
Offsets are code points into the ``.txt`` (brat counts characters). Labels with spaces
are written with ``_``.

Cannot express: document sentiment, status, titles and metadata, annotators.
"""

from __future__ import annotations

import errno
import lzma
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from annotator.core.ids import new_id
from annotator.core.model import (
    AnnotatedDocument,
    Claim,
    DocumentAnnotations,
    EntitySpan,
    TargetSentiment,
)
from annotator.core.schema import LabelSchema
from annotator.formats.export_context import ExportContext
from annotator.formats.limits import ImportLimits, current_limits, open_regular, read_whole
from annotator.formats.problems import FormatError, ImportProblem, RecordError
from annotator.formats.source_text import SourceText, annotated, new_document

CLAIM_TYPE, SPEAKER_TYPE, SENTIMENT_ATTR = "Claim", "Speaker", "Sentiment"
SPEAKER_NOTE = "speaker: "
_UNSAFE = re.compile(r"[^\w.\-]+")
_SPACES = re.compile(r"\s+")


def brat_type(label: str) -> str:
    return _SPACES.sub("_", label.strip())


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The span cut at line breaks (brat spans do not cross lines), without empty pieces."""
    out = []
    pos = start
    for piece in text[start:end].split("\n"):
        if piece:
            out.append((pos, pos + len(piece)))
        pos += len(piece) + 1
    return out or [(start, end)]


def ann_text(item: AnnotatedDocument, ctx: ExportContext) -> str:
    """The ``.ann`` file of one document."""
    text, ann = item.document.text, item.annotations
    lines: list[str] = []
    tids: dict[str, str] = {}
    attrs = 0

    def t_line(obj_id: str, kind: str, start: int, end: int) -> None:
        tid = f"T{len(tids) + 1}"
        tids[obj_id] = tid
        frags = fragments(text, start, end)
        if (frags[0][0], frags[-1][1]) != (start, end):
            ctx.note(
                item.document.id,
                "span_trimmed",
                f"{kind} {text[start:end]!r} starts or ends with a line break, which brat "
                "cannot keep",
            )
        where = ";".join(f"{s} {e}" for s, e in frags)
        shown = " ".join(text[s:e] for s, e in frags).replace("\t", " ")
        lines.append(f"{tid}\t{kind} {where}\t{shown}")

    for e in ann.sorted_entities():
        kind = brat_type(e.label)
        if kind != e.label:
            ctx.note(item.document.id, "label_renamed", f"label {e.label!r} written as {kind!r}")
        t_line(e.id, kind, e.start, e.end)
    for c in ann.sorted_claims():
        t_line(c.id, CLAIM_TYPE, c.start, c.end)
    for e in ann.sorted_entities():
        target = ann.target_for(e.id)
        if target is not None:
            attrs += 1
            lines.append(f"A{attrs}\t{SENTIMENT_ATTR} {tids[e.id]} {brat_type(target.label)}")
    relations = notes = 0
    for c in ann.sorted_claims():
        for name, value in sorted(c.attributes.items()):
            attrs += 1
            lines.append(f"A{attrs}\t{brat_type(name)} {tids[c.id]} {brat_type(value)}")
        if c.speaker_id is not None:
            relations += 1
            lines.append(
                f"R{relations}\t{SPEAKER_TYPE} Arg1:{tids[c.id]} Arg2:{tids[c.speaker_id]}"
            )
        elif c.speaker_text:
            notes += 1
            speaker = _SPACES.sub(" ", c.speaker_text)
            lines.append(f"#{notes}\tAnnotatorNotes {tids[c.id]}\t{SPEAKER_NOTE}{speaker}")
    if ann.document_sentiment:
        ctx.note(item.document.id, "sentiment_dropped", "document sentiment not written")
    return "".join(line + "\n" for line in lines)


def annotation_conf(schema: LabelSchema, labels: Iterable[str]) -> str:
    types = [brat_type(lab) for lab in labels]
    sentiments = "|".join(brat_type(s) for s in schema.sentiment_names)
    lines = ["[entities]", *types, CLAIM_TYPE, "", "[relations]"]
    lines.append(f"{SPEAKER_TYPE}\tArg1:{CLAIM_TYPE}, Arg2:{'|'.join(types) or CLAIM_TYPE}")
    lines += ["", "[events]", "", "[attributes]"]
    if sentiments and types:
        lines.append(f"{SENTIMENT_ATTR}\tArg:{'|'.join(types)}, Value:{sentiments}")
    for a in schema.claim_attributes:
        values = "|".join(brat_type(c) for c in a.choices)
        lines.append(f"{brat_type(a.name)}\tArg:{CLAIM_TYPE}, Value:{values}")
    return "\n".join(lines) + "\n"


def _write(
    items: Iterable[AnnotatedDocument], put: Callable[[str, bytes], None], ctx: ExportContext
) -> int:
    used: set[str] = set()
    n = 0
    for item in ctx.counted(items):
        n += 1
        base = _UNSAFE.sub("_", item.document.id)[:64].strip("._") or f"doc{n:06d}"
        name, k = base, 1
        while name in used:
            k += 1
            name = f"{base}-{k}"
        used.add(name)
        put(f"{name}.txt", item.document.text.encode("utf-8"))
        put(f"{name}.ann", ann_text(item, ctx).encode("utf-8"))
    put("annotation.conf", annotation_conf(ctx.schema, ctx.entity_labels()).encode("utf-8"))
    return n


def write_brat_zip(items: Iterable[AnnotatedDocument], out: BinaryIO, ctx: ExportContext) -> int:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def put(name: str, data: bytes) -> None:
            archive.writestr(name, data)

        return _write(items, put, ctx)


def write_brat_folder(items: Iterable[AnnotatedDocument], folder: Path, ctx: ExportContext) -> int:
    folder.mkdir(parents=True, exist_ok=True)

    def put(name: str, data: bytes) -> None:
        (folder / name).write_bytes(data)

    return _write(items, put, ctx)


# -- import ----------------------------------------------------------------------


def read_brat_pair(
    ann_path: Path,
    annotator: str = "",
    *,
    txt: bytes | None = None,
    ann: bytes | None = None,
    doc_id: str | None = None,
) -> AnnotatedDocument | ImportProblem:
    """One document from ``X.ann`` and ``X.txt`` (bytes may be given, e.g. from a zip)."""
    txt_path = ann_path.with_suffix(".txt")
    limit = current_limits().max_record_bytes
    try:
        raw_txt = txt if txt is not None else read_whole(txt_path, limit)
        raw_ann = ann if ann is not None else read_whole(ann_path, limit)
    except FormatError as exc:
        return exc.problem
    try:
        text = raw_txt.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return ImportProblem(str(txt_path), None, f"not valid UTF-8 (byte {exc.start + 1})")
    try:
        lines = raw_ann.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        return ImportProblem(str(ann_path), None, f"not valid UTF-8 (byte {exc.start + 1})")
    try:
        source = SourceText(text)
    except RecordError as exc:
        return ImportProblem(str(txt_path), None, str(exc))
    try:
        parsed = _parse_ann(lines, source, annotator)
    except _LineError as exc:
        return ImportProblem(str(ann_path), exc.line, exc.message)
    entities, claims, targets = parsed
    try:
        doc = new_document(source.text, doc_id=doc_id or ann_path.stem, source=str(ann_path))
        return annotated(doc, DocumentAnnotations.of(entities.values(), claims.values(), targets))
    except RecordError as exc:
        return ImportProblem(str(ann_path), None, str(exc))


class _LineError(Exception):
    def __init__(self, line: int, message: str) -> None:
        self.line, self.message = line, message


def _parse_ann(
    lines: list[str], source: SourceText, annotator: str
) -> tuple[dict[str, EntitySpan], dict[str, Claim], list[TargetSentiment]]:
    entities: dict[str, EntitySpan] = {}
    claims: dict[str, Claim] = {}
    targets: list[TargetSentiment] = []
    later: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cols = line.split("\t")
        ident = cols[0]
        if ident.startswith("T"):
            if len(cols) < 2:
                raise _LineError(number, "text-bound annotation needs a type and offsets")
            kind, _, where = cols[1].partition(" ")
            try:
                frags = [tuple(int(x) for x in f.split()) for f in where.split(";")]
                if not frags or any(len(f) != 2 for f in frags):
                    raise ValueError
                start, end = min(f[0] for f in frags), max(f[1] for f in frags)
                given = None
                if len(cols) > 2:
                    pieces = [source.raw[f[0] : f[1]] for f in frags]
                    if cols[2] != " ".join(pieces).replace("\t", " "):
                        given = cols[2]
                span = source.span(start, end, f"{ident}", None)
            except ValueError as exc:
                message = str(exc) if isinstance(exc, RecordError) else f"bad offsets {where!r}"
                raise _LineError(number, message) from None
            if given is not None:
                raise _LineError(number, f"text {given!r} does not match the offsets")
            if kind == CLAIM_TYPE:
                claims[ident] = Claim(new_id(), *span, annotator=annotator)
            else:
                entities[ident] = EntitySpan(new_id(), *span, kind, annotator)
        elif ident[:1] in ("R", "A", "M", "#"):
            later.append((number, cols))
        elif ident[:1] not in ("E", "N", "*"):
            raise _LineError(number, f"unknown annotation id {ident!r}")
    from dataclasses import replace

    for number, cols in later:
        ident = cols[0]
        args = cols[1].split() if len(cols) > 1 else []
        if ident.startswith("R") and len(args) == 3 and args[0].lower() == SPEAKER_TYPE.lower():
            claim, speaker = args[1].partition(":")[2], args[2].partition(":")[2]
            if claim in entities and speaker in claims:
                claim, speaker = speaker, claim
            if claim not in claims or speaker not in entities:
                raise _LineError(number, "Speaker relation must link a Claim and an entity")
            claims[claim] = replace(claims[claim], speaker_id=entities[speaker].id)
        elif ident[:1] in ("A", "M") and len(args) >= 2:
            name, target = args[0], args[1]
            value = args[2] if len(args) > 2 else "true"
            if target in claims:
                attrs = dict(claims[target].attributes)
                attrs[name] = value
                claims[target] = replace(claims[target], attributes=attrs)
            elif target in entities and name == SENTIMENT_ATTR:
                targets.append(TargetSentiment(new_id(), entities[target].id, value, annotator))
            elif target not in entities:
                raise _LineError(number, f"attribute of unknown annotation {target!r}")
        elif ident.startswith("#") and len(cols) > 2 and len(args) == 2:
            target, note = args[1], cols[2]
            if target in claims and note.startswith(SPEAKER_NOTE):
                claims[target] = replace(claims[target], speaker_text=note[len(SPEAKER_NOTE) :])
    return entities, claims, targets


# What a damaged or hostile archive raises while it is opened or a member is read: a bad
# header or CRC (BadZipFile), a bad inflate stream (zlib/bz2/lzma errors), a seek before
# the start of the file ("Invalid argument", OSError), truncation (EOFError), encrypted
# members (RuntimeError), unsupported methods (NotImplementedError), bad fields (ValueError).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    OSError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    ValueError,
    UnicodeDecodeError,
)


class _MemberError(Exception):
    pass


def _zip_reason(exc: BaseException) -> str:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, OSError):
        if exc.errno == errno.EINVAL:
            return "an offset in its directory points outside the file (bad central directory)"
        detail = exc.strerror or detail
    if isinstance(exc, zlib.error):
        return f"inflate error: {detail}"
    if isinstance(exc, RuntimeError) and "encrypted" in detail:
        return "the member is encrypted"
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ImportLimits) -> bytes:
    """One member's bytes, refused before inflating when its declared size is over the
    record limit, and refused while inflating when it turns out larger (sizes can lie)."""
    cap = limits.max_record_bytes
    if info.file_size > cap:
        raise _MemberError(limits.record_refusal(info.file_size))
    try:
        with archive.open(info) as member:
            data = member.read(cap + 1)
    except ZIP_ERRORS as exc:
        raise _MemberError(f"damaged zip member ({_zip_reason(exc)})") from None
    if len(data) > cap:
        raise _MemberError(limits.record_refusal())
    return data


def read_brat_zip(path: Path, annotator: str = "") -> Iterator[AnnotatedDocument | ImportProblem]:
    """Every ``.ann`` in a zip with its ``.txt``; a damaged member refuses only its pair."""
    limits = current_limits()
    try:
        handle = open_regular(path)
    except FormatError as exc:
        yield exc.problem
        return
    try:
        archive = zipfile.ZipFile(handle)
        infos = archive.infolist()
    except ZIP_ERRORS as exc:
        handle.close()
        yield ImportProblem(str(path), None, f"cannot open zip: {_zip_reason(exc)}")
        return
    with handle, archive:
        members = {info.filename: info for info in infos}
        for name in sorted(members):
            if not name.endswith(".ann"):
                continue
            txt = name[:-4] + ".txt"
            where = Path(f"{path}!{name}")
            if txt not in members:
                yield ImportProblem(str(where), None, f"no {Path(txt).name} beside it")
                continue
            try:
                text_bytes = read_member(archive, members[txt], limits)
            except _MemberError as exc:
                yield ImportProblem(f"{path}!{txt}", None, str(exc))
                continue
            try:
                ann_bytes = read_member(archive, members[name], limits)
            except _MemberError as exc:
                yield ImportProblem(str(where), None, str(exc))
                continue
            yield read_brat_pair(
                where, annotator, txt=text_bytes, ann=ann_bytes, doc_id=Path(name).stem
            )


def is_brat_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.endswith(".ann") for n in archive.namelist())
    except ZIP_ERRORS:
        return False
