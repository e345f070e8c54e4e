"""Reading JSON records from files, each refusal named by file and line.

Every JSON importer reads through here, so all of them refuse the same things: invalid
UTF-8, invalid JSON, NaN/Infinity, integers too long to convert, nesting too deep, and
strings with unpaired UTF-16 surrogate escapes (which no database can store).

Lines are decoded by orjson where it gives exactly what the standard library would: it
refuses everything above (and anything else the standard library's decoder would treat
differently) except integers beyond 64 bits, which it turns into floats, so a line with
a long run of digits, and every line orjson refuses, goes to `json.loads`, whose answer
and messages are the reference.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from annotator.core.model import AnnotatedDocument, SpanError
from annotator.core.text import TextRejected
from annotator.formats.limits import MB, current_limits, open_regular
from annotator.formats.problems import FormatError, ImportProblem, RecordError

_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
# 19 digits in a row may be an integer beyond orjson's 64 bits (2**63 has 19 digits);
# found by mapping every digit to "0" and looking for nineteen of them (a regex is slower)
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_DIGITS = b"0" * 19

_fast_loads: Callable[[bytes], Any] | None
try:
    from orjson import JSONDecodeError as _FastDecodeError
    from orjson import loads as _fast_loads
except ImportError:  # pragma: no cover - orjson is a dependency; kept for odd platforms
    _fast_loads = None

Entry = tuple[int, Any] | ImportProblem


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def decode_json(text: str) -> Any:
    """`json.loads` with the refusals above; raises RecordError with the reason."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise RecordError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise RecordError("invalid JSON: nested too deeply") from None
    except ValueError as exc:  # NaN/Infinity, or an integer too long to convert
        raise RecordError(f"invalid JSON: {str(exc).split(':', 1)[0]}") from None
    if _SURROGATE_ESCAPE.search(text):
        refuse_lone_surrogates(data)
    return data


def decode_json_line(raw: bytes) -> Any:
    """`decode_json` of one UTF-8 line; raises UnicodeDecodeError or RecordError."""
    if _fast_loads is not None and _LONG_DIGITS not in raw.translate(_DIGITS_AS_ZERO):
        try:
            return _fast_loads(raw)  # valid UTF-8, no lone surrogates, no NaN: as json.loads
        except _FastDecodeError:
            pass  # the standard library says why (or, for what only it accepts, decodes it)
    return decode_json(raw.decode("utf-8"))


def refuse_lone_surrogates(value: Any) -> None:
    """Raise RecordError for any string (key or value) with an unpaired UTF-16 surrogate."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise RecordError(
                    f"string {item[:40]!r} contains an unpaired UTF-16 surrogate escape"
                ) from None
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def bounded_lines(handle: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) of each line; None for a line longer than `limit` bytes.

    Lines are read a megabyte at a time and a long one is dropped as soon as it passes
    the limit, so memory stays near `limit` whatever the file holds.
    """
    number = 0
    while True:
        piece = handle.readline(MB)
        if not piece:
            return
        number += 1
        if piece.endswith(b"\n") and len(piece) <= limit + 1:  # the usual short line
            yield number, piece
            continue
        pieces, size, too_long = [piece], len(piece), False
        while True:
            if not too_long and size > limit + piece.endswith(b"\n"):
                too_long, pieces = True, []  # free them at once
            if piece.endswith(b"\n"):
                break
            piece = handle.readline(MB)
            if not piece:
                break
            size += len(piece)
            if not too_long:
                pieces.append(piece)
        yield number, None if too_long else b"".join(pieces)


def read_json_lines(path: Path) -> Iterator[Entry]:
    """(line number, decoded JSON) for each non-blank line, or a problem naming the line."""
    try:
        handle = open_regular(path)
    except FormatError as exc:
        yield exc.problem
        return
    limits = current_limits()
    with handle:
        try:
            for number, raw in bounded_lines(handle, limits.max_record_bytes):
                if raw is None:
                    yield ImportProblem(str(path), number, limits.record_refusal())
                    continue
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                if not raw.strip():
                    continue
                try:
                    yield number, decode_json_line(raw)
                except UnicodeDecodeError as exc:
                    yield ImportProblem(
                        str(path), number, f"not valid UTF-8 (byte {exc.start + 1})"
                    )
                except RecordError as exc:
                    yield ImportProblem(str(path), number, str(exc))
        except OSError as exc:
            yield ImportProblem(str(path), None, f"cannot read file: {exc.strerror or exc}")


def parse_each(
    path: Path,
    entries: Iterable[Entry],
    parse: Callable[[Any], AnnotatedDocument | None],
) -> Iterator[tuple[int | None, AnnotatedDocument | ImportProblem]]:
    """Turn decoded records into documents; a record `parse` refuses becomes a problem.

    `parse` returns None for a record to skip silently (e.g. a rejected Prodigy answer).
    Yields (line, result) so callers can name the line of a document later refused.
    """
    for entry in entries:
        if isinstance(entry, ImportProblem):
            yield entry.line, entry
            continue
        number, data = entry
        try:
            item = parse(data)
        except (RecordError, SpanError, TextRejected) as exc:
            yield number, ImportProblem(str(path), number, str(exc))
        else:
            if item is not None:
                yield number, item
