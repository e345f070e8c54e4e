"""Where the annotations of one document lie, indexed by paragraph for fast painting.

The article view paints only the paragraphs (QTextDocument blocks) on screen, so spans are
bucketed by the blocks they touch. Offsets here are code points into the stored text; a
block is a run of text between two "\\n" characters, exactly as QTextDocument splits it.
Adding or removing one span touches only the buckets of its own blocks.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass

ENTITY = "entity"
CLAIM = "claim"


@dataclass(frozen=True, slots=True)
class Mark:
    """One annotation span as the view indexes it: kind (entity/claim), id, code points."""

    kind: str
    id: str
    start: int
    end: int

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.id)

    @property
    def length(self) -> int:
        return self.end - self.start


def newline_positions(text: str) -> list[int]:
    """Code point offsets of every "\\n" in `text`."""
    out: list[int] = []
    find = text.find
    pos = find("\n")
    while pos >= 0:
        out.append(pos)
        pos = find("\n", pos + 1)
    return out


class SpanIndex:
    """Entity and claim spans of one text, bucketed by block number."""

    def __init__(self, text: str = "") -> None:
        self.length = len(text)
        self.newlines = newline_positions(text)
        self._marks: dict[tuple[str, str], Mark] = {}
        self._buckets: dict[int, list[Mark]] = {}

    # -- blocks ------------------------------------------------------------------
    @property
    def block_count(self) -> int:
        return len(self.newlines) + 1

    def block_of(self, cp: int) -> int:
        """Number of the block holding the character at `cp` (a "\\n" ends its block)."""
        return bisect_left(self.newlines, cp)

    def block_start(self, block: int) -> int:
        return 0 if block <= 0 else self.newlines[block - 1] + 1

    def block_end(self, block: int) -> int:
        """Offset of the "\\n" that ends `block` (or the text length for the last block)."""
        return self.newlines[block] if block < len(self.newlines) else self.length

    def blocks_of(self, start: int, end: int) -> range:
        return range(self.block_of(start), self.block_of(max(start, end - 1)) + 1)

    # -- marks ---------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._marks)

    def __contains__(self, key: object) -> bool:
        return key in self._marks

    def get(self, kind: str, mark_id: str) -> Mark | None:
        return self._marks.get((kind, mark_id))

    def marks(self) -> Iterable[Mark]:
        return self._marks.values()

    def put(self, kind: str, mark_id: str, start: int, end: int) -> Mark:
        """Add a span, or move it if it is already indexed."""
        self.remove(kind, mark_id)
        mark = Mark(kind, mark_id, start, end)
        self._marks[mark.key] = mark
        buckets = self._buckets
        for block in self.blocks_of(start, end):
            bucket = buckets.get(block)
            if bucket is None:
                buckets[block] = [mark]
            else:
                bucket.append(mark)
        return mark

    def put_many(self, kind: str, spans: Iterable[tuple[str, int, int]]) -> None:
        """Bulk load of (id, start, end); spans must not be indexed yet."""
        marks = self._marks
        buckets = self._buckets
        newlines = self.newlines
        for mark_id, start, end in spans:
            mark = Mark(kind, mark_id, start, end)
            marks[(kind, mark_id)] = mark
            first = bisect_left(newlines, start)
            last = bisect_left(newlines, end - 1, first) if end - 1 > start else first
            for block in range(first, last + 1):
                bucket = buckets.get(block)
                if bucket is None:
                    buckets[block] = [mark]
                else:
                    bucket.append(mark)

    def remove(self, kind: str, mark_id: str) -> Mark | None:
        mark = self._marks.pop((kind, mark_id), None)
        if mark is None:
            return None
        for block in self.blocks_of(mark.start, mark.end):
            bucket = self._buckets.get(block)
            if bucket is not None:
                bucket[:] = [m for m in bucket if m.key != mark.key]
                if not bucket:
                    del self._buckets[block]
        return mark

    def in_blocks(self, first: int, last: int) -> list[Mark]:
        """Marks touching blocks first..last (inclusive), each once, in document order."""
        seen: set[tuple[str, str]] = set()
        out: list[Mark] = []
        buckets = self._buckets
        for block in range(first, last + 1):
            for mark in buckets.get(block, ()):
                if mark.key not in seen:
                    seen.add(mark.key)
                    out.append(mark)
        out.sort(key=lambda m: (m.start, -m.end, m.kind, m.id))
        return out

    def at(self, cp: int) -> list[Mark]:
        """Marks covering the character at `cp`, shortest first."""
        bucket = self._buckets.get(self.block_of(cp), ())
        hits = [m for m in bucket if m.start <= cp < m.end]
        hits.sort(key=lambda m: (m.length, m.kind != ENTITY, m.start, m.id))
        return hits


def assign_lanes(marks: Iterable[Mark]) -> dict[tuple[str, str], int]:
    """Greedy interval partitioning: overlapping marks get different lanes, nested ones deeper.

    `marks` must be sorted by (start, -end); an enclosing span gets a lower lane than the
    spans inside it, so lane numbers work as nesting depths for stacked underlines.
    """
    lane_ends: list[int] = []
    lanes: dict[tuple[str, str], int] = {}
    for mark in marks:
        for lane, end in enumerate(lane_ends):
            if end <= mark.start:
                lane_ends[lane] = mark.end
                lanes[mark.key] = lane
                break
        else:
            lanes[mark.key] = len(lane_ends)
            lane_ends.append(mark.end)
    return lanes
