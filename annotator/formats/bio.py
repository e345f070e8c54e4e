"""Turning token tags (IOB1, IOB2/BIO, BIOES/BILOU) back into entity spans."""

from __future__ import annotations

from collections.abc import Sequence

from annotator.core.ids import new_id
from annotator.core.model import EntitySpan
from annotator.formats.native_jsonl import RecordError

_BEGIN = {"B", "S", "U"}
_INSIDE = {"I", "E", "L"}
_SINGLE = {"S", "U"}
_LAST = {"E", "L"}


def split_tag(tag: str) -> tuple[str, str]:
    """("B", "PER") for "B-PER", ("O", "") for "O"; raise RecordError for anything else."""
    if tag == "O":
        return "O", ""
    prefix, sep, label = tag.partition("-")
    if not sep or prefix not in _BEGIN | _INSIDE or not label:
        raise RecordError(f"tag {tag!r} is not O or B-/I-/E-/S-/L-/U- followed by a label")
    return prefix, label


def join_tokens(sentences: Sequence[Sequence[str]]) -> tuple[str, list[list[tuple[int, int]]]]:
    """Text with tokens joined by spaces and sentences by newlines, and token offsets."""
    parts: list[str] = []
    offsets: list[list[tuple[int, int]]] = []
    pos = 0
    for si, sentence in enumerate(sentences):
        if si:
            parts.append("\n")
            pos += 1
        row = []
        for ti, token in enumerate(sentence):
            if ti:
                parts.append(" ")
                pos += 1
            parts.append(token)
            row.append((pos, pos + len(token)))
            pos += len(token)
        offsets.append(row)
    return "".join(parts), offsets


def entities_from_tags(
    offsets: Sequence[tuple[int, int]], tags: Sequence[str], annotator: str = ""
) -> list[EntitySpan]:
    """Entities of one sentence. "I-X" after "O" or another label starts an entity (IOB1)."""
    out: list[EntitySpan] = []
    current: list[int] | None = None  # [start, end]
    label = ""

    def close() -> None:
        nonlocal current
        if current is not None:
            out.append(EntitySpan(new_id(), current[0], current[1], label, annotator))
            current = None

    for (start, end), tag in zip(offsets, tags, strict=True):
        prefix, name = split_tag(tag)
        if prefix == "O":
            close()
            continue
        if prefix in _BEGIN or current is None or name != label:
            close()
            current, label = [start, end], name
        else:
            current[1] = end
        if prefix in _SINGLE or prefix in _LAST:
            close()
    close()
    return out
