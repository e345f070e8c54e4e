"""The import formats, by name, and how a file's format is recognised.

Recognition, per file: ``.txt``/``.md`` articles (unless an ``.ann`` of the same name
makes them half of a brat pair), ``.html``/``.htm``/``.docx``/``.pdf`` articles, ``.ann``
brat pairs, ``.zip`` brat archives or doccano's per-user export (only ``.jsonl`` inside),
``.spacy`` DocBins, ``.csv``/``.tsv`` with Label Studio's export header, other ``.tsv`` and
``.conll``/``.iob``/``.bio`` CoNLL columns, ``.json`` holding an array (Label Studio JSON
or JSON_MIN), and for ``.jsonl``/``.ndjson`` (or a ``.json`` of lines) the first record
whose keys tell: ``data``/``annotations`` or flat per-annotation records (Label Studio),
``entities`` with ``relations`` or ``start_offset``, or ``label`` (doccano), ``tokens``
with ``ner_tags`` (Hugging Face), ``spans`` (Prodigy), ``schema_version``/``claims``
(Annotator's own JSONL, also the answer when no record tells).
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from annotator.core.model import AnnotatedDocument
from annotator.formats.articles import ARTICLE_SUFFIXES, DOCX_SUFFIXES, HTML_SUFFIXES, PDF_SUFFIXES
from annotator.formats.json_lines import bounded_lines
from annotator.formats.limits import current_limits, open_regular
from annotator.formats.plaintext import TEXT_SUFFIXES, read_article
from annotator.formats.problems import FormatError, ImportProblem
from annotator.formats.source_text import OffsetChoice

Records = Iterator[AnnotatedDocument | ImportProblem]
Reader = Callable[[Path, OffsetChoice], Records]

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
CONLL_SUFFIXES = frozenset({".conll", ".conll03", ".iob", ".bio", ".tsv"})
IMPORT_SUFFIXES = (
    TEXT_SUFFIXES
    | JSONL_SUFFIXES
    | CONLL_SUFFIXES
    | ARTICLE_SUFFIXES
    | {".ann", ".zip", ".spacy", ".json", ".csv"}
)


def _native(path: Path, _offsets: OffsetChoice) -> Records:
    from annotator.formats.native_jsonl import read_native_jsonl  # loaded for a JSONL file

    return read_native_jsonl(path)


def _text(path: Path, _offsets: OffsetChoice) -> Records:
    try:
        yield read_article(path)
    except FormatError as exc:
        yield exc.problem


# Each format's module is imported when a file of that format is read: the command line
# starts without loading them all.


def _brat(path: Path, _offsets: OffsetChoice) -> Records:
    from annotator.formats import brat

    if path.suffix.lower() == ".zip":
        yield from brat.read_brat_zip(path)
    else:
        yield brat.read_brat_pair(path.with_suffix(".ann"))


def _spacy(path: Path, _offsets: OffsetChoice) -> Records:
    from annotator.formats.spacy_docbin import read_docbin, spacy_missing

    reason = spacy_missing()
    if reason is not None:
        yield ImportProblem(str(path), None, reason)
        return
    yield from read_docbin(path)


def _doccano(path: Path, offsets: OffsetChoice) -> Records:
    from annotator.formats import doccano

    return doccano.read_doccano(path, "", offsets)


def _label_studio(path: Path, offsets: OffsetChoice) -> Records:
    from annotator.formats import label_studio

    return label_studio.read_label_studio(path, "", offsets)


def _prodigy(path: Path, _offsets: OffsetChoice) -> Records:
    from annotator.formats import prodigy

    return prodigy.read_prodigy(path)


def _hf(path: Path, _offsets: OffsetChoice) -> Records:
    from annotator.formats import hf_tokens

    return hf_tokens.read_hf(path)


def _conll(path: Path, _offsets: OffsetChoice) -> Records:
    from annotator.formats import conll

    return conll.read_conll(path)


def _article(fmt: str) -> Reader:
    def read(path: Path, _offsets: OffsetChoice) -> Records:
        module = importlib.import_module(f"annotator.formats.articles_{fmt}")
        yield from getattr(module, f"read_{fmt}")(path)

    return read


IMPORT_FORMATS: dict[str, tuple[str, Reader]] = {
    "text": ("Plain-text or Markdown article", _text),
    "html": ("HTML page (main text; needs annotator[articles])", _article("html")),
    "docx": ("Word document .docx (needs annotator[articles])", _article("docx")),
    "pdf": ("PDF with a text layer (needs annotator[articles])", _article("pdf")),
    "jsonl": ("Annotator JSONL", _native),
    "doccano": (
        "doccano JSONL (either variant, or its per-user export zip)",
        _doccano,
    ),
    "prodigy": ("spaCy/Prodigy JSONL", _prodigy),
    "hf": ("Hugging Face tokens/ner_tags JSONL", _hf),
    "label-studio": (
        "Label Studio JSON, JSON_MIN, CSV or TSV export",
        _label_studio,
    ),
    "conll": ("CoNLL columns (BIO tags)", _conll),
    "brat": ("brat standoff (.ann + .txt, or a zip)", _brat),
    "spacy": ("spaCy DocBin (.spacy)", _spacy),
}


FORMAT_SUFFIXES: dict[str, frozenset[str]] = {
    "text": TEXT_SUFFIXES,
    "html": HTML_SUFFIXES,
    "docx": DOCX_SUFFIXES,
    "pdf": PDF_SUFFIXES,
    "jsonl": JSONL_SUFFIXES,
    "doccano": JSONL_SUFFIXES | {".json", ".zip"},
    "prodigy": JSONL_SUFFIXES | {".json"},
    "hf": JSONL_SUFFIXES | {".json"},
    "label-studio": JSONL_SUFFIXES | {".json", ".csv", ".tsv"},
    "conll": CONLL_SUFFIXES | {".txt"},
    "brat": frozenset({".ann", ".zip"}),
    "spacy": frozenset({".spacy"}),
}


def _is_label_studio_table(path: Path) -> bool:
    from annotator.formats import label_studio

    return label_studio.is_label_studio_table(path)


def import_format(name: str) -> Reader:
    try:
        return IMPORT_FORMATS[name][1]
    except KeyError:
        known = ", ".join(sorted(IMPORT_FORMATS))
        raise ValueError(f"unknown import format {name!r} (known: auto, {known})") from None


def is_brat_text(path: Path) -> bool:
    """A .txt that is the text half of a brat pair."""
    return path.suffix.lower() == ".txt" and path.with_suffix(".ann").is_file()


def is_manifest(path: Path) -> bool:
    """An export manifest (``X.manifest.json``), never imported as data."""
    return path.name.lower().endswith(".manifest.json")


def detect_format(path: Path) -> str | None:
    """The import format of `path` by suffix and content, or None if not importable."""
    suffix = path.suffix.lower()
    if is_manifest(path):
        return None
    if suffix in TEXT_SUFFIXES:
        return "brat" if is_brat_text(path) else "text"
    if suffix in ARTICLE_SUFFIXES:
        return "html" if suffix in HTML_SUFFIXES else suffix[1:]
    if suffix == ".ann":
        return "brat"
    if suffix == ".zip":
        from annotator.formats import doccano

        return "doccano" if doccano.is_doccano_zip(path) else "brat"
    if suffix in {".csv", ".tsv"} and _is_label_studio_table(path):
        return "label-studio"
    if suffix == ".spacy":
        return "spacy"
    if suffix in CONLL_SUFFIXES:
        return "conll"
    if suffix == ".json":
        return sniff_json(path)
    if suffix in JSONL_SUFFIXES:
        return sniff_jsonl(path)
    return None


def sniff_jsonl(path: Path) -> str:
    """Which JSONL dialect a file is, from its first record that tells (the whole file is
    read if need be: leading records without annotations say nothing)."""
    try:
        with open_regular(path) as handle:
            for _number, raw in bounded_lines(handle, current_limits().max_record_bytes):
                if raw is None:
                    continue  # too long: the reader refuses it with its line
                if not raw.strip():
                    continue
                try:
                    data = json.loads(raw.decode("utf-8-sig"))
                except (ValueError, RecursionError):
                    return "jsonl"  # the native reader reports the problem with its line
                kind = record_kind(data)
                if kind is not None:
                    return kind
    except (FormatError, OSError):
        pass
    return "jsonl"


def record_kind(data: object) -> str | None:
    """The format one decoded record belongs to, or None if it could be several."""
    if not isinstance(data, dict):
        return "jsonl"
    if "schema_version" in data or "claims" in data:
        return "jsonl"
    if isinstance(data.get("data"), dict) or {"annotations", "predictions"} & data.keys():
        return "label-studio"
    if "tokens" in data and "ner_tags" in data:
        return "hf"
    if "spans" in data:
        return "prodigy"
    from annotator.formats import label_studio

    if label_studio.is_min_record(data):
        return "label-studio"
    entities, label = data.get("entities"), data.get("label")
    if "relations" in data and isinstance(entities, list):
        return "doccano"
    if isinstance(entities, list) and any(
        isinstance(e, dict) and "start_offset" in e for e in entities
    ):
        return "doccano"
    if isinstance(label, list) and "text" in data and all(isinstance(x, list) for x in label):
        return "doccano"
    return None


def sniff_json(path: Path) -> str:
    """A ``.json`` file: a top-level array is Label Studio's JSON or JSON_MIN export;
    records one a line are recognised like JSONL."""
    try:
        with open_regular(path) as handle:
            head = handle.read(4096).decode("utf-8-sig", errors="replace").lstrip()
    except (FormatError, OSError):
        return "label-studio"  # its reader names the problem
    return "label-studio" if not head or head.startswith("[") else sniff_jsonl(path)


def walk_inputs(paths: Iterable[Path]) -> Iterator[tuple[Path, bool, str | None]]:
    """Files named directly, and every visible file inside named folders (sorted).

    Yields (path, named_directly, refusal). Symbolic links inside a folder are not
    followed out of it: a link whose target is outside the folder (or missing) comes
    with the reason it is refused; links to folders inside it are walked once, as the
    folder itself.
    """
    for path in paths:
        if not path.is_dir():
            yield path, True, None
            continue
        root = path.resolve()
        found: list[tuple[Path, str | None]] = []
        for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
            here = Path(dirpath)
            dirnames[:] = sorted(n for n in dirnames if not n.startswith("."))
            for name in dirnames:
                if (here / name).is_symlink():
                    reason = _link_refusal(here / name, root)
                    if reason is not None:
                        found.append((here / name, reason))
            for name in filenames:
                if name.startswith("."):
                    continue
                child = here / name
                found.append((child, _link_refusal(child, root) if child.is_symlink() else None))
        refused = {child: reason for child, reason in found if reason is not None}
        for child, reason in sorted(found, key=lambda pair: pair[0]):
            text = child.with_suffix(".txt")
            if reason is None and child.suffix.lower() == ".ann" and text in refused:
                reason = f"its text file {text.name} {refused[text]}"
            yield child, False, reason


def _link_refusal(link: Path, root: Path) -> str | None:
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError):
        return "is a broken symbolic link"
    if not target.is_relative_to(root):
        return "is a symbolic link to a file outside the imported folder (not followed)"
    return None
