"""The default entity colours stay apart for every analyst, colour-blind ones included.

Each pair of default label colours is compared in CIELAB (CIE76 distance) as seen with normal
vision and as simulated for protanopia, deuteranopia and tritanopia (Machado, Oliveira and
Fernandes 2009, severity 1.0, applied in linear RGB).
"""

from __future__ import annotations

from itertools import combinations

import pytest

from annotator.core.schema import default_schema

MACHADO = {
    "normal": ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}
# Minimum CIE76 distance between two label colours (about 2.3 is "just noticeable").
MIN_DISTANCE = {"normal": 20.0, "protanopia": 12.0, "deuteranopia": 12.0, "tritanopia": 12.0}


def _linear(colour: str) -> tuple[float, float, float]:
    def one(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return one(r), one(g), one(b)


def _lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = rgb
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def seen(colour: str, vision: str) -> tuple[float, float, float]:
    rgb = _linear(colour)
    matrix = MACHADO[vision]
    simulated = tuple(
        min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb, strict=True)))) for row in matrix
    )
    return _lab(simulated)  # type: ignore[arg-type]


def distance(a: str, b: str, vision: str) -> float:
    la, lb = seen(a, vision), seen(b, vision)
    return sum((p - q) ** 2 for p, q in zip(la, lb, strict=True)) ** 0.5


@pytest.mark.parametrize("vision", list(MACHADO))
def test_default_label_colours_are_distinguishable(vision: str) -> None:
    labels = default_schema().entity_labels
    closest = min(
        ((distance(a.color, b.color, vision), a.name, b.name) for a, b in combinations(labels, 2)),
    )
    assert closest[0] >= MIN_DISTANCE[vision], f"{closest[1]} and {closest[2]}: {closest[0]:.1f}"


def test_the_old_palette_would_fail() -> None:
    """The check can fail: the previous defaults made GPE and MONEY close for everyone, and
    LOC and PRODUCT the same colour for deuteranopes."""
    assert distance("#81C784", "#AED581", "normal") < MIN_DISTANCE["normal"]
    assert distance("#4DB6AC", "#90A4AE", "deuteranopia") < 2.3
