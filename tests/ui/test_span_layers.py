"""The paragraph-bucketed span index behind the article view."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.ui.span_layers import CLAIM, ENTITY, Mark, SpanIndex, assign_lanes


def test_blocks_follow_newlines() -> None:
    index = SpanIndex("ab\ncd\n\nef")
    assert index.block_count == 4
    assert [index.block_of(i) for i in range(10)] == [0, 0, 0, 1, 1, 1, 2, 3, 3, 3]
    assert (index.block_start(1), index.block_end(1)) == (3, 5)
    assert (index.block_start(3), index.block_end(3)) == (7, 9)


def test_put_move_remove_touch_only_their_blocks() -> None:
    index = SpanIndex("one\ntwo\nthree")
    index.put(ENTITY, "a", 0, 3)
    index.put(CLAIM, "c", 2, 10)  # crosses two newlines
    assert [m.id for m in index.in_blocks(0, 0)] == ["a", "c"]
    assert [m.id for m in index.in_blocks(1, 1)] == ["c"]
    assert [m.id for m in index.in_blocks(2, 2)] == ["c"]
    index.put(ENTITY, "a", 8, 13)  # moved to the last block
    assert [m.id for m in index.in_blocks(0, 0)] == ["c"]
    assert [m.id for m in index.in_blocks(2, 2)] == ["c", "a"]
    assert index.remove(CLAIM, "c") == Mark(CLAIM, "c", 2, 10)
    assert [m.id for m in index.in_blocks(0, 2)] == ["a"]
    assert index.remove(CLAIM, "c") is None
    assert len(index) == 1


def test_at_returns_shortest_first() -> None:
    index = SpanIndex("Commerce Secretary Howard Lutnick")
    index.put(ENTITY, "outer", 0, 33)
    index.put(ENTITY, "inner", 26, 33)
    index.put(CLAIM, "claim", 26, 33)
    assert [m.id for m in index.at(28)] == ["inner", "claim", "outer"]
    assert [m.id for m in index.at(3)] == ["outer"]
    assert index.at(33) == []


def test_lanes_nest_and_separate_overlaps() -> None:
    marks = sorted(
        [
            Mark(ENTITY, "outer", 0, 20),
            Mark(ENTITY, "inner", 5, 10),
            Mark(ENTITY, "later", 12, 15),
            Mark(ENTITY, "crossing", 18, 30),
            Mark(ENTITY, "after", 25, 28),
        ],
        key=lambda m: (m.start, -m.end),
    )
    lanes = assign_lanes(marks)
    assert lanes[(ENTITY, "outer")] == 0
    assert lanes[(ENTITY, "inner")] == 1
    assert lanes[(ENTITY, "later")] == 1
    assert lanes[(ENTITY, "crossing")] == 1
    assert lanes[(ENTITY, "after")] == 0


@given(
    st.text(alphabet="ab\n", max_size=40),
    st.lists(st.tuples(st.integers(0, 40), st.integers(1, 10)), max_size=20),
)
def test_bulk_and_single_inserts_agree(text: str, raw: list[tuple[int, int]]) -> None:
    spans = [(str(i), s, min(s + n, len(text))) for i, (s, n) in enumerate(raw) if s < len(text)]
    bulk, single = SpanIndex(text), SpanIndex(text)
    bulk.put_many(ENTITY, spans)
    for mark_id, start, end in spans:
        single.put(ENTITY, mark_id, start, end)
    last = bulk.block_count - 1
    assert bulk.in_blocks(0, last) == single.in_blocks(0, last)
    for block in range(bulk.block_count):
        lo, hi = bulk.block_start(block), bulk.block_end(block) + 1
        expected = {m for m in spans if m[1] < hi and m[2] > lo}
        got = {(m.id, m.start, m.end) for m in bulk.in_blocks(block, block)}
        assert got == expected


def test_long_spans_are_found_far_from_their_start() -> None:
    text = ("x" * 99 + "\n") * 100  # 100 blocks of 100 characters
    index = SpanIndex(text)
    index.put_many(ENTITY, [("short", 5050, 5060)])
    index.put(CLAIM, "long", 10, 9000)  # longer than LONG_SPAN
    index.put_many(CLAIM, [("bulk-long", 0, 9990), ("near", 8990, 9000)])
    assert [m.id for m in index.in_blocks(89, 89)] == ["bulk-long", "long", "near"]
    assert [m.id for m in index.at(5055)] == ["short", "long", "bulk-long"]
    index.put(CLAIM, "long", 10, 20)  # moved: now short
    assert [m.id for m in index.in_blocks(89, 89)] == ["bulk-long", "near"]
    assert index.remove(CLAIM, "bulk-long") == Mark(CLAIM, "bulk-long", 0, 9990)
    assert [m.id for m in index.in_blocks(0, 0)] == ["long"]
    assert sorted(m.id for m in index.marks()) == ["long", "near", "short"]
