"""Spans over tokens: alignment, non-overlapping selection and BIO tags."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from annotator.core.model import AnnotatedDocument, EntitySpan
from annotator.formats.export_context import ExportContext
from annotator.formats.tokenize import Token, split_at, tokenize, tokenizer_name, tokens_in


def aligned_tokens(
    item: AnnotatedDocument, ctx: ExportContext, with_claims: bool = False
) -> list[Token]:
    """Tokens of the document, cut wherever a span starts or ends inside a token.

    Every cut is noted ("token_split") so that the report shows which spans did not
    align with the tokenizer's tokens.
    """
    text = item.document.text
    ann = item.annotations
    spans: list[tuple[int, int, str]] = [(e.start, e.end, e.label) for e in ann.entities.values()]
    if with_claims:
        spans += [(c.start, c.end, "claim") for c in ann.claims.values()]
    ctx.extra_manifest.setdefault("tokenizer", tokenizer_name())
    tokens = tokenize(text)
    if not spans:
        return tokens
    misaligned = _misaligned(spans, tokens)
    if misaligned:
        ctx.losses["spans_not_aligned_to_tokens"] += len(misaligned)
        tokens, cuts = split_at(tokens, (b for s, e, _ in misaligned for b in (s, e)))
        shown = ", ".join(f"{lab} {text[s:e]!r}" for s, e, lab in misaligned[:5])
        more = f" and {len(misaligned) - 5} more" if len(misaligned) > 5 else ""
        ctx.note(
            item.document.id,
            "token_split",
            f"{len(misaligned)} span(s) did not align with tokens; {cuts} token(s) cut: "
            f"{shown}{more}",
        )
    return tokens


def _misaligned(
    spans: Sequence[tuple[int, int, str]], tokens: list[Token]
) -> list[tuple[int, int, str]]:
    """Spans whose start or end falls strictly inside one of `tokens`."""
    out = []
    for s, e, label in spans:
        for b in (s, e):
            i, _ = tokens_in(tokens, b, b)
            if i > 0 and tokens[i - 1][0] < b < tokens[i - 1][1]:
                out.append((s, e, label))
                break
    return out


def non_overlapping(entities: Iterable[EntitySpan]) -> tuple[list[EntitySpan], list[EntitySpan]]:
    """Split entities into a non-overlapping set (longest first, then earliest) and the rest.

    Returns (kept sorted by start, dropped).
    """
    ordered = sorted(entities, key=lambda e: (-(e.end - e.start), e.start, e.label, e.id))
    kept: list[EntitySpan] = []
    dropped: list[EntitySpan] = []
    for e in ordered:
        if any(e.start < k.end and k.start < e.end for k in kept):
            dropped.append(e)
        else:
            kept.append(e)
    kept.sort(key=lambda e: e.start)
    return kept, dropped


def note_overlaps(
    item: AnnotatedDocument, dropped: Sequence[EntitySpan], ctx: ExportContext, where: str
) -> None:
    """Report entities left out of a non-overlapping layer, one note each."""
    text = item.document.text
    if dropped:
        ctx.losses["overlaps_dropped"] += len(dropped)
    for e in dropped:
        ctx.note(
            item.document.id,
            "overlap",
            f"{e.label} {text[e.start : e.end]!r} [{e.start}, {e.end}) overlaps a longer "
            f"entity and is not in {where}",
        )


def bio_tags(
    item: AnnotatedDocument, tokens: list[Token], ctx: ExportContext, where: str
) -> list[str]:
    """B-/I-/O tags for `tokens` from the document's non-overlapping entities."""
    kept, dropped = non_overlapping(item.annotations.entities.values())
    note_overlaps(item, dropped, ctx, where)
    tags = ["O"] * len(tokens)
    for e in kept:
        first, last = tokens_in(tokens, e.start, e.end)
        if first >= last:
            ctx.note(
                item.document.id,
                "no_token",
                f"{e.label} {item.document.text[e.start : e.end]!r} covers no token",
            )
            continue
        tags[first] = f"B-{e.label}"
        for i in range(first + 1, last):
            tags[i] = f"I-{e.label}"
    return tags


def offset_converter(text: str, ctx: ExportContext) -> Callable[[int], int]:
    """Code point offsets as they should be written: unchanged, or in UTF-16 units."""
    if ctx.offsets == "codepoint" or text.isascii():
        return int
    from annotator.core.offsets import OffsetMap

    return OffsetMap(text).to_utf16
