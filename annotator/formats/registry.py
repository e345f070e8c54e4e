"""The export formats Annotator can write, by name (the export dialog lists these)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from annotator.core.model import AnnotatedDocument
from annotator.formats.export_context import ExportContext, OffsetUnit
from annotator.formats.native_jsonl import write_native_jsonl

Writer = Callable[[Iterable[AnnotatedDocument], BinaryIO, ExportContext], int]
FolderWriter = Callable[[Iterable[AnnotatedDocument], Path, ExportContext], int]


def _native(items: Iterable[AnnotatedDocument], out: BinaryIO, ctx: ExportContext) -> int:
    return write_native_jsonl(ctx.counted(items), out)


def _always() -> str | None:
    return None


def _lazy(module: str, name: str) -> Any:
    """`annotator.formats.<module>.<name>`, imported when first called: the command line
    starts without loading every format's module (and what they import)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        function = getattr(importlib.import_module(f"annotator.formats.{module}"), name)
        return function(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    description: str
    suffix: str
    write: Writer
    cannot_express: str = ""
    write_folder: FolderWriter | None = None  # when the output may be a folder
    missing: Callable[[], str | None] = _always  # why it is unavailable (e.g. a package)
    utf16_option: bool = False  # offsets may be written in UTF-16 units
    default_offsets: OffsetUnit = "codepoint"  # the target tool's own convention

    def unavailable_reason(self) -> str | None:
        return self.missing()


EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "jsonl", "Annotator JSONL (one document per line)", ".jsonl", _native, "nothing"
        ),
        ExportFormat(
            "spacy",
            "spaCy DocBin (.spacy) for spacy train (a folder of shards if the name has no .spacy)",
            ".spacy",
            _lazy("spacy_docbin", "write_docbin"),
            "overlapping entities only in doc.spans, not doc.ents (reported)",
            write_folder=_lazy("spacy_docbin", "write_docbin_folder"),
            missing=_lazy("spacy_docbin", "spacy_missing"),
        ),
        ExportFormat(
            "prodigy",
            "spaCy/Prodigy JSONL (text, spans, tokens, meta)",
            ".jsonl",
            _lazy("prodigy", "write_prodigy"),
            "claims, claim attributes, target sentiment",
        ),
        ExportFormat(
            "doccano",
            "doccano JSONL, sequence labelling (text, label)",
            ".jsonl",
            _lazy("doccano", "write_doccano"),
            "claims, claim attributes, target sentiment; overlaps in a default doccano project",
            utf16_option=True,
            default_offsets="utf16",
        ),
        ExportFormat(
            "doccano-relations",
            "doccano JSONL with relations (entities, relations; claim -> speaker)",
            ".jsonl",
            _lazy("doccano", "write_doccano_relations"),
            "claim attributes, target sentiment, free-text speakers; overlaps in a default "
            "doccano project",
            utf16_option=True,
            default_offsets="utf16",
        ),
        ExportFormat(
            "label-studio",
            "Label Studio JSON tasks with annotations",
            ".json",
            _lazy("label_studio", "write_label_studio"),
            "who made each annotation",
            utf16_option=True,
        ),
        ExportFormat(
            "label-studio-predictions",
            "Label Studio JSON tasks with predictions (pre-annotations)",
            ".json",
            _lazy("label_studio", "write_label_studio_predictions"),
            "who made each annotation",
            utf16_option=True,
        ),
        ExportFormat(
            "conll",
            "CoNLL-2003 columns with BIO tags",
            ".conll",
            _lazy("conll", "write_conll"),
            "claims, sentiment, overlapping entities (reported), spacing, metadata",
        ),
        ExportFormat(
            "hf",
            "Hugging Face token classification JSONL (tokens, ner_tags)",
            ".jsonl",
            _lazy("hf_tokens", "write_hf"),
            "claims, sentiment, overlapping entities (reported), spacing, metadata",
        ),
        ExportFormat(
            "brat",
            "brat standoff .txt + .ann pairs (zip, or a folder if the name has no .zip)",
            ".zip",
            _lazy("brat", "write_brat_zip"),
            "document sentiment, status, titles, metadata",
            write_folder=_lazy("brat", "write_brat_folder"),
        ),
        ExportFormat(
            "csv",
            "Claims as CSV for analysts (one row per claim)",
            ".csv",
            _lazy("claims_csv", "write_claims_csv"),
            "entities that are not speakers, documents without claims (export only)",
        ),
    )
}


def export_format(name: str) -> ExportFormat:
    try:
        return EXPORT_FORMATS[name]
    except KeyError:
        known = ", ".join(sorted(EXPORT_FORMATS))
        raise ValueError(f"unknown export format {name!r} (known: {known})") from None
