"""Agreement figures on hand-computed examples (and, where installed, the krippendorff package)."""

from __future__ import annotations

import math

import pytest

from annotator.core.agreement import (
    AnnotationTable,
    agreement_report,
    cohen_kappa,
    disagreement_count,
    krippendorff_alpha_nominal,
)


def two_analysts() -> AnnotationTable:
    t = AnnotationTable()
    for s, e, lab in [(0, 5, "PERSON"), (10, 15, "ORG"), (20, 25, "PERSON")]:
        t.add_entity("d1", "alice", s, e, lab)
    for s, e, lab in [(0, 5, "PERSON"), (10, 15, "PERSON"), (21, 25, "PERSON")]:
        t.add_entity("d1", "bob", s, e, lab)
    t.add_entity("d2", "alice", 0, 3, "ORG")  # only alice: must not count
    t.add_claim("d1", "alice", 30, 40, "Kevin Hassett")
    t.add_claim("d1", "alice", 50, 60, "Trump")
    t.add_claim("d1", "bob", 30, 40, "kevin  Hassett")
    t.add_claim("d1", "bob", 50, 60, "Biden")
    t.add_claim("d1", "bob", 70, 80, "")
    t.add_target_sentiment("d1", "alice", 0, 5, "positive")
    t.add_target_sentiment("d1", "bob", 0, 5, "negative")
    t.add_target_sentiment("d1", "alice", 20, 25, "negative")
    return t


def test_two_analysts_entities_by_hand() -> None:
    report = agreement_report(two_analysts(), ["alice", "bob"])
    ents = report["entities"]
    # PERSON: alice 2, bob 3, 1 exact match -> P 1/3 (of bob's), R 1/2 (of alice's), F1 2/5
    person = ents["per_label"]["PERSON"]
    assert person["precision"] == pytest.approx(1 / 3)
    assert person["recall"] == pytest.approx(1 / 2)
    assert person["f1"] == pytest.approx(0.4)
    assert person["support"] == 2
    assert ents["per_label"]["ORG"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert ents["micro_f1"] == pytest.approx(2 * 1 / (3 + 3))
    # overlap: alice's PERSON 0-5 and 20-25 meet bob's, ORG does not; bob's 10-15 PERSON meets none
    assert ents["relaxed_micro_f1"] == pytest.approx(2 / 3)
    assert [p["annotators"] for p in ents["pairs"]] == [["alice", "bob"]]
    assert ents["pairs"][0]["documents"] == 1  # d2 has only alice


def test_f1_is_symmetric_and_orientation_swaps_precision_and_recall() -> None:
    ab = agreement_report(two_analysts(), ["alice", "bob"])["entities"]["per_label"]["PERSON"]
    ba = agreement_report(two_analysts(), ["bob", "alice"])["entities"]["per_label"]["PERSON"]
    assert ab["f1"] == ba["f1"]
    assert (ab["precision"], ab["recall"]) == (ba["recall"], ba["precision"])
    assert ba["support"] == 3


def test_claims_span_f1_and_speaker_agreement() -> None:
    claims = agreement_report(two_analysts())["claims"]
    assert claims["span_f1"] == pytest.approx(2 * 2 / (2 + 3))
    assert claims["matched"] == 2
    assert claims["speaker_agreement"] == pytest.approx(0.5)  # Hassett == hassett; Trump != Biden


def test_target_sentiment_alpha() -> None:
    # one pairable entity (0-5): positive vs negative -> alpha 1 - (2-1)*2/2 = 0
    target = agreement_report(two_analysts())["target_sentiment"]
    assert target == {"krippendorff_alpha": pytest.approx(0.0), "units": 1}


SENT_A = ["pos", "pos", "neg", "neg", "neu", "pos"]
SENT_B = ["pos", "neg", "neg", "neg", "neu", "neu"]


def test_cohen_kappa_by_hand() -> None:
    # p_o = 4/6; p_e = (3*1 + 2*3 + 1*2) / 36 = 11/36; kappa = (24-11)/(36-11) = 13/25
    assert cohen_kappa(list(zip(SENT_A, SENT_B, strict=True))) == pytest.approx(13 / 25)
    assert cohen_kappa([("a", "a"), ("a", "a")]) is None  # one category: undefined
    assert cohen_kappa([]) is None


def test_alpha_two_raters_by_hand() -> None:
    units = [{"a": x, "b": y} for x, y in zip(SENT_A, SENT_B, strict=True)]
    # n_pos 4, n_neg 5, n_neu 3 (n 12); disagreeing coincidences 4; sum n_c n_k (c != k) 94
    assert krippendorff_alpha_nominal(units) == pytest.approx(1 - 11 * 4 / 94)


THREE = [
    {"a": "x", "b": "x", "c": "x"},
    {"a": "x", "b": "y"},
    {"a": "y", "c": "y"},
    {"b": "x"},  # a single value: not pairable
    {"a": "y", "b": "y", "c": "x"},
]


def test_alpha_three_raters_with_missing_values_by_hand() -> None:
    # o_xx 3, o_xy = o_yx 2, o_yy 3; n_x = n_y = 5; alpha = 1 - 9 * 4 / 50
    assert krippendorff_alpha_nominal(THREE) == pytest.approx(0.28)
    assert krippendorff_alpha_nominal([{"a": "x"}]) is None
    assert krippendorff_alpha_nominal([{"a": "x", "b": "x"}]) is None


@pytest.mark.parametrize(
    "units",
    [THREE, [{"a": x, "b": y} for x, y in zip(SENT_A, SENT_B, strict=True)]],
    ids=["three-missing", "two"],
)
def test_alpha_matches_krippendorff_package(units: list[dict[str, str]]) -> None:
    krippendorff = pytest.importorskip("krippendorff")
    np = pytest.importorskip("numpy")
    raters = sorted({r for u in units for r in u})
    values = sorted({v for u in units for v in u.values()})
    code = {v: i for i, v in enumerate(values)}
    data = np.array(
        [[code[u[r]] if r in u else math.nan for u in units] for r in raters], dtype=float
    )
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert krippendorff_alpha_nominal(units) == pytest.approx(expected)


def test_three_analysts_mean_over_pairs_and_pair_table() -> None:
    t = two_analysts()
    for s, e, lab in [(0, 5, "PERSON"), (10, 15, "ORG"), (20, 25, "PERSON")]:
        t.add_entity("d1", "carol", s, e, lab)  # carol agrees with alice
    for doc, (a, b) in enumerate(zip(SENT_A, SENT_B, strict=True)):
        t.add_document_sentiment(f"s{doc}", "alice", a)
        t.add_document_sentiment(f"s{doc}", "bob", b)
    t.add_document_sentiment("s0", "carol", "pos")
    report = agreement_report(t)
    assert report["annotators"] == ["alice", "bob", "carol"]
    pairs = report["entities"]["pairs"]
    assert [p["annotators"] for p in pairs] == [
        ["alice", "bob"],
        ["alice", "carol"],
        ["bob", "carol"],
    ]
    # PERSON pairs: (P, R, F1) = (1/3, 1/2, .4), (1, 1, 1), (1/2, 1/3, .4); supports 2, 2, 3
    person = report["entities"]["per_label"]["PERSON"]
    assert person["precision"] == pytest.approx(11 / 18)
    assert person["recall"] == pytest.approx(11 / 18)
    assert person["f1"] == pytest.approx(0.6)
    assert person["support"] == 7
    assert report["entities"]["micro_f1"] == pytest.approx((1 / 3 + 1 + 1 / 3) / 3)
    sentiment = report["document_sentiment"]
    # kappa pairs: alice/bob 13/25 on 6 documents; with carol a single document, one category
    kappas = {tuple(p["annotators"]): p["cohen_kappa"] for p in sentiment["pairs"]}
    assert kappas[("alice", "bob")] == pytest.approx(13 / 25)
    assert kappas[("alice", "carol")] is None
    assert sentiment["cohen_kappa"] == pytest.approx(13 / 25)
    assert sentiment["units"] == 6
    # carol's "pos" on s0 joins a unit of two "pos": one more agreeing value
    units = [{"a": x, "b": y} for x, y in zip(SENT_A, SENT_B, strict=True)]
    units[0]["c"] = "pos"
    assert sentiment["krippendorff_alpha"] == pytest.approx(krippendorff_alpha_nominal(units))


def test_report_needs_two_distinct_annotators() -> None:
    with pytest.raises(ValueError, match="at least two"):
        agreement_report(two_analysts(), ["alice"])
    with pytest.raises(ValueError, match="twice"):
        agreement_report(two_analysts(), ["alice", "alice"])


def test_disagreement_count() -> None:
    assert disagreement_count({"a": {1, 2, 3}, "b": {2, 3, 4}}) == 2
    assert disagreement_count({"a": {1}}) == 0


def test_overlap_count_on_long_documents_matches_brute_force() -> None:
    import random

    from annotator.core.agreement import _overlapping

    rng = random.Random(5)
    for _ in range(20):
        a = {(s, s + rng.randint(1, 30), rng.choice("AB")) for s in rng.sample(range(2000), 60)}
        b = {(s, s + rng.randint(1, 30), rng.choice("AB")) for s in rng.sample(range(2000), 60)}
        brute = sum(1 for s, e, x in a if any(t < e and s < u and y == x for t, u, y in b))
        assert _overlapping(a, b) == brute  # 60 x 60: the sorted, bisecting path
