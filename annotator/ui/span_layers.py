"""Where the annotations of one document lie, indexed by paragraph for fast painting.

The article view paints only the paragraphs (QTextDocument blocks) on screen and asks for
the spans touching them. Offsets here are code points into the stored text; a block is a
run of text between two "\\n" characters, exactly as QTextDocument splits it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from operator import sub
from typing import NamedTuple

ENTITY = "entity"
CLAIM = "claim"


class Mark(NamedTuple):
    """One annotation span as the view indexes it: kind (entity/claim), id, code points.

    A named tuple: bulk loading 20,000 of them must stay cheap.
    """

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


LONG_SPAN = 2048  # code points; longer spans are kept aside and checked on every query


class SpanIndex:
    """Entity and claim spans of one text, sorted by start for range queries by paragraph.

    Spans live in parallel columns (start, end, kind, id) sorted by start, so bulk loading
    20,000 spans is a sort rather than 20,000 Python-level insertions. A query for the
    paragraphs on screen bisects to the spans starting at most LONG_SPAN code points
    before them; the few longer spans are kept apart and always checked.
    """

    def __init__(self, text: str = "") -> None:
        self.length = len(text)
        self.newlines = newline_positions(text)
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._kinds: list[str] = []
        self._ids: list[str] = []
        # where each span lies, by kind then id: two dicts of ints, no tuple per span (tens
        # of thousands of tuples cost the collector's next pass a few ms)
        self._starts_of: dict[str, dict[str, int]] = {ENTITY: {}, CLAIM: {}}
        self._ends_of: dict[str, dict[str, int]] = {ENTITY: {}, CLAIM: {}}
        self._long: dict[tuple[str, str], Mark] = {}

    def emptied(self) -> SpanIndex:
        """A new index of the same text with no spans (the paragraphs are not looked up
        again: re-indexing after a re-read keeps the text)."""
        index = SpanIndex()
        index.length, index.newlines = self.length, self.newlines
        return index

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
        return sum(map(len, self._starts_of.values()))

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, tuple) or len(key) != 2:
            return False
        starts = self._starts_of.get(key[0])
        return starts is not None and key[1] in starts

    def get(self, kind: str, mark_id: str) -> Mark | None:
        start = self._starts_of.get(kind, {}).get(mark_id)
        return None if start is None else Mark(kind, mark_id, start, self._ends_of[kind][mark_id])

    def marks(self) -> Iterator[Mark]:
        for kind, starts in self._starts_of.items():
            ends = self._ends_of[kind]
            for mark_id, start in starts.items():
                yield Mark(kind, mark_id, start, ends[mark_id])

    def put(self, kind: str, mark_id: str, start: int, end: int) -> Mark:
        """Add a span, or move it if it is already indexed."""
        self.remove(kind, mark_id)
        mark = Mark(kind, mark_id, start, end)
        self._starts_of.setdefault(kind, {})[mark_id] = start
        self._ends_of.setdefault(kind, {})[mark_id] = end
        if end - start > LONG_SPAN:
            self._long[(kind, mark_id)] = mark
        else:
            i = bisect_right(self._starts, start)
            self._starts.insert(i, start)
            self._ends.insert(i, end)
            self._kinds.insert(i, kind)
            self._ids.insert(i, mark_id)
        return mark

    def put_many(self, kind: str, spans: Iterable[tuple[str, int, int]]) -> None:
        """Bulk load of (id, start, end); the spans must not be indexed yet."""
        rows = spans if isinstance(spans, list) else list(spans)
        if not rows:
            return
        ids, starts, ends = (list(column) for column in zip(*rows, strict=True))
        self._starts_of.setdefault(kind, {}).update(zip(ids, starts, strict=True))
        self._ends_of.setdefault(kind, {}).update(zip(ids, ends, strict=True))
        if max(map(sub, ends, starts)) > LONG_SPAN:
            keep = []
            for k, (s, e) in enumerate(zip(starts, ends, strict=True)):
                if e - s > LONG_SPAN:
                    self._long[(kind, ids[k])] = Mark(kind, ids[k], s, e)
                else:
                    keep.append(k)
            ids = [ids[k] for k in keep]
            starts = [starts[k] for k in keep]
            ends = [ends[k] for k in keep]
        kinds = self._kinds + [kind] * len(ids)
        ids = self._ids + ids
        starts = self._starts + starts
        ends = self._ends + ends
        order = sorted(range(len(starts)), key=starts.__getitem__)
        self._starts = [starts[i] for i in order]
        self._ends = [ends[i] for i in order]
        self._kinds = [kinds[i] for i in order]
        self._ids = [ids[i] for i in order]

    def remove(self, kind: str, mark_id: str) -> Mark | None:
        start = self._starts_of.get(kind, {}).pop(mark_id, None)
        if start is None:
            return None
        end = self._ends_of[kind].pop(mark_id)
        if self._long.pop((kind, mark_id), None) is None:
            starts, ids, kinds = self._starts, self._ids, self._kinds
            i = bisect_left(starts, start)
            while i < len(starts) and starts[i] == start:
                if ids[i] == mark_id and kinds[i] == kind:
                    del starts[i], self._ends[i], kinds[i], ids[i]
                    break
                i += 1
        return Mark(kind, mark_id, start, end)

    def in_range(self, lo: int, hi: int) -> list[Mark]:
        """Marks overlapping [lo, hi), in document order."""
        starts, ends, kinds, ids = self._starts, self._ends, self._kinds, self._ids
        first = bisect_left(starts, lo - LONG_SPAN)
        last = bisect_left(starts, hi, first)
        out = [
            Mark(kinds[i], ids[i], starts[i], ends[i]) for i in range(first, last) if ends[i] > lo
        ]
        out.extend(m for m in self._long.values() if m.start < hi and m.end > lo)
        out.sort(key=lambda m: (m.start, -m.end, m.kind, m.id))
        return out

    def in_blocks(self, first: int, last: int) -> list[Mark]:
        """Marks touching blocks first..last (inclusive), each once, in document order."""
        return self.in_range(self.block_start(first), self.block_end(last) + 1)

    def at(self, cp: int) -> list[Mark]:
        """Marks covering the character at `cp`, shortest first."""
        hits = self.in_range(cp, cp + 1)
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
