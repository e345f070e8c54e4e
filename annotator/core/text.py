"""Decoding and normalising article text, once, at import."""

from __future__ import annotations

import hashlib
import re

# Everything Qt's QTextDocument would turn into a paragraph break becomes "\n" here, so
# that positions in the widget and in the stored text agree.
_NEWLINES = re.compile("\r\n|\r|\u2028|\u2029|\x85")


class TextRejected(ValueError):
    """The bytes or text cannot be stored as an article; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def normalise_text(text: str) -> str:
    """Drop a leading BOM and turn every newline convention into a single "\\n"."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if _is_plain(text):
        return text
    return _NEWLINES.sub("\n", text)


def _is_plain(text: str) -> bool:
    """No character `_NEWLINES` replaces (four scans in C: most texts need no rewrite)."""
    return "\r" not in text and (
        text.isascii() or ("\u2028" not in text and "\u2029" not in text and "\x85" not in text)
    )


def check_storable(text: str) -> None:
    """Refuse text that cannot be an article: NUL characters or lone surrogates."""
    nul = text.find("\x00")
    if nul >= 0:
        raise TextRejected("contains a NUL character (binary file?)", text.count("\n", 0, nul) + 1)
    if text.isascii():
        return
    try:
        text.encode("utf-8")  # fails exactly on lone surrogates, in C
        return
    except UnicodeEncodeError:
        pass
    for match in re.finditer("[\ud800-\udfff]", text):
        line = text.count("\n", 0, match.start()) + 1
        raise TextRejected("contains an unpaired UTF-16 surrogate", line)


def decode_article(data: bytes) -> str:
    """Decode UTF-8 bytes (a BOM is allowed) into normalised text, or raise TextRejected."""
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise TextRejected("contains NUL bytes: not a UTF-8 text file (UTF-16 or binary?)", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        raise TextRejected(
            f"not valid UTF-8 (byte 0x{byte:02X} at line {line}); re-save the file as UTF-8",
            line,
        ) from None
    return normalise_text(text)


def content_hash(text: str) -> str:
    """SHA-256 of the normalised text, used to recognise a document imported twice."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def title_from_text(text: str, limit: int = 80) -> str:
    """A title for a document without one: its first non-empty line, shortened."""
    for line in text.split("\n", 50):
        line = line.strip().lstrip("#").strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    return "Untitled"


def normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalise like `normalise_text` and also return the positions of removed characters.

    Normalisation only removes characters (a leading BOM, the CR of CRLF) or replaces
    one character with one; `shift_offset` maps an old offset to the new text.
    """
    removed: list[int] = []
    if text.startswith("\ufeff"):
        removed.append(0)
    elif _is_plain(text):
        return text, removed
    pos = text.find("\r\n")
    while pos >= 0:
        removed.append(pos)
        pos = text.find("\r\n", pos + 2)
    return normalise_text(text), removed


def shift_offset(offset: int, removed: list[int]) -> int:
    """Map an offset in the original text to the normalised text."""
    from bisect import bisect_left

    return offset - bisect_left(removed, offset)
