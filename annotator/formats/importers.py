"""The import formats, by name, and how a file's format is recognised.

Recognition, per file: ``.txt``/``.md`` articles (unless an ``.ann`` of the same name
makes them half of a brat pair), ``.ann`` brat pairs, ``.zip`` brat archives, ``.spacy``
DocBins, ``.conll``/``.iob``/``.bio``/``.tsv`` CoNLL columns, ``.json`` Label Studio tasks,
and for ``.jsonl``/``.ndjson`` the keys of the first record: ``data`` (Label Studio),
``entities`` with ``start_offset`` or ``label`` (doccano), ``tokens`` with ``ner_tags``
(Hugging Face), ``spans`` (Prodigy), otherwise Annotator's own JSONL.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from annotator.core.model import AnnotatedDocument
from annotator.formats import brat, conll, doccano, hf_tokens, label_studio, prodigy
from annotator.formats.json_lines import bounded_lines
from annotator.formats.limits import current_limits, open_regular
from annotator.formats.native_jsonl import read_native_jsonl
from annotator.formats.plaintext import TEXT_SUFFIXES, read_article
from annotator.formats.problems import FormatError, ImportProblem
from annotator.formats.source_text import OffsetChoice

Records = Iterator[AnnotatedDocument | ImportProblem]
Reader = Callable[[Path, OffsetChoice], Records]

JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
CONLL_SUFFIXES = frozenset({".conll", ".conll03", ".iob", ".bio", ".tsv"})
IMPORT_SUFFIXES = (
    TEXT_SUFFIXES | JSONL_SUFFIXES | CONLL_SUFFIXES | {".ann", ".zip", ".spacy", ".json"}
)


def _text(path: Path, _offsets: OffsetChoice) -> Records:
    try:
        yield read_article(path)
    except FormatError as exc:
        yield exc.problem


def _brat(path: Path, _offsets: OffsetChoice) -> Records:
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


IMPORT_FORMATS: dict[str, tuple[str, Reader]] = {
    "text": ("Plain-text or Markdown article", _text),
    "jsonl": ("Annotator JSONL", lambda p, _o: read_native_jsonl(p)),
    "doccano": ("doccano JSONL (either variant)", lambda p, o: doccano.read_doccano(p, "", o)),
    "prodigy": ("spaCy/Prodigy JSONL", lambda p, _o: prodigy.read_prodigy(p)),
    "hf": ("Hugging Face tokens/ner_tags JSONL", lambda p, _o: hf_tokens.read_hf(p)),
    "label-studio": (
        "Label Studio JSON tasks",
        lambda p, o: label_studio.read_label_studio(p, "", o),
    ),
    "conll": ("CoNLL columns (BIO tags)", lambda p, _o: conll.read_conll(p)),
    "brat": ("brat standoff (.ann + .txt, or a zip)", _brat),
    "spacy": ("spaCy DocBin (.spacy)", _spacy),
}


FORMAT_SUFFIXES: dict[str, frozenset[str]] = {
    "text": TEXT_SUFFIXES,
    "jsonl": JSONL_SUFFIXES,
    "doccano": JSONL_SUFFIXES | {".json"},
    "prodigy": JSONL_SUFFIXES | {".json"},
    "hf": JSONL_SUFFIXES | {".json"},
    "label-studio": JSONL_SUFFIXES | {".json"},
    "conll": CONLL_SUFFIXES | {".txt"},
    "brat": frozenset({".ann", ".zip"}),
    "spacy": frozenset({".spacy"}),
}


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
    if suffix == ".ann":
        return "brat"
    if suffix == ".zip":
        return "brat"
    if suffix == ".spacy":
        return "spacy"
    if suffix in CONLL_SUFFIXES:
        return "conll"
    if suffix == ".json":
        return "label-studio"
    if suffix in JSONL_SUFFIXES:
        return sniff_jsonl(path)
    return None


def sniff_jsonl(path: Path) -> str:
    """Which JSONL dialect a file is, from the keys of its first record."""
    try:
        with open_regular(path) as handle:
            for number, raw in bounded_lines(handle, current_limits().max_record_bytes):
                if raw is None or number > 10_000:
                    return "jsonl"  # too long, or only blank lines so far
                if raw.strip():
                    data = json.loads(raw.decode("utf-8-sig"))
                    break
            else:
                return "jsonl"
    except (OSError, ValueError, RecursionError):
        return "jsonl"  # the native reader reports the problem with its line
    if not isinstance(data, dict):
        return "jsonl"
    if "schema_version" in data or "claims" in data:
        return "jsonl"
    if isinstance(data.get("data"), dict):
        return "label-studio"
    entities = data.get("entities")
    if isinstance(entities, list) and any(
        isinstance(e, dict) and "start_offset" in e for e in entities
    ):
        return "doccano"
    if "label" in data and isinstance(data.get("label"), list) and "text" in data:
        return "doccano"
    if "tokens" in data and "ner_tags" in data:
        return "hf"
    if "spans" in data:
        return "prodigy"
    return "jsonl"


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
