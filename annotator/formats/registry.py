"""The export formats Annotator can write, by name."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

from annotator.core.model import AnnotatedDocument
from annotator.formats.native_jsonl import write_native_jsonl

Writer = Callable[[Iterable[AnnotatedDocument], BinaryIO, Callable[[int], None] | None], int]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    description: str
    suffix: str
    write: Writer


EXPORT_FORMATS: dict[str, ExportFormat] = {
    "jsonl": ExportFormat(
        "jsonl", "Annotator JSONL (one document per line)", ".jsonl", write_native_jsonl
    ),
}


def export_format(name: str) -> ExportFormat:
    try:
        return EXPORT_FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(EXPORT_FORMATS))
        raise ValueError(f"unknown export format {name!r} (known: {known})") from None
