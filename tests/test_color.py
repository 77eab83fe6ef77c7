from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from batchproc._color import (
    contrast_ratio,
    delta_e76,
    delta_e2000,
    hex_to_rgb,
    relative_luminance,
    rgb_to_hex,
    rgb_to_lab,
)

channels = st.integers(min_value=0, max_value=255)
rgbs = st.tuples(channels, channels, channels)


@given(rgbs)
def test_hex_round_trip(rgb: tuple[int, int, int]) -> None:
    assert hex_to_rgb(rgb_to_hex(rgb)) == rgb


def test_hex_forms() -> None:
    assert hex_to_rgb("#1a0f1f") == (26, 15, 31)
    assert hex_to_rgb("1A0F1F") == (26, 15, 31)
    assert hex_to_rgb("#abc") == (0xAA, 0xBB, 0xCC)
    assert rgb_to_hex((26, 15, 31)) == "#1a0f1f"


@pytest.mark.parametrize("text", ["#12345", "#gggggg", "", "#1234567"])
def test_bad_hex(text: str) -> None:
    with pytest.raises(ValueError):
        hex_to_rgb(text)


@pytest.mark.parametrize(
    ("rgb", "lab"),
    [
        ((255, 255, 255), (100.0, 0.0, 0.0)),
        ((0, 0, 0), (0.0, 0.0, 0.0)),
        ((255, 0, 0), (53.2408, 80.0925, 67.2032)),
        ((0, 0, 255), (32.2970, 79.1875, -107.8602)),
        ((128, 128, 128), (53.5850, 0.0, 0.0)),
    ],
)
def test_rgb_to_lab(rgb: tuple[int, int, int], lab: tuple[float, float, float]) -> None:
    assert rgb_to_lab(rgb) == pytest.approx(lab, abs=0.01)


# Test pairs from Sharma, Wu and Dalal (2005), "The CIEDE2000 colour-difference formula".
@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0011), 7.2195),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
        ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
    ],
)
def test_delta_e2000_reference_pairs(first, second, expected) -> None:
    assert delta_e2000(first, second) == pytest.approx(expected, abs=1e-4)
    assert delta_e2000(second, first) == pytest.approx(expected, abs=1e-4)


@given(rgbs)
def test_delta_e_of_a_colour_with_itself_is_zero(rgb: tuple[int, int, int]) -> None:
    lab = rgb_to_lab(rgb)
    assert delta_e76(lab, lab) == 0
    assert delta_e2000(lab, lab) == pytest.approx(0, abs=1e-9)


def test_delta_e76_is_euclidean() -> None:
    assert delta_e76((50, 0, 0), (53, 4, 0)) == 5


def test_relative_luminance_and_contrast() -> None:
    assert relative_luminance((255, 255, 255)) == pytest.approx(1.0)
    assert relative_luminance((0, 0, 0)) == 0.0
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((255, 255, 255), (0, 0, 0)) == pytest.approx(21.0)
    # #777777 on white is the classic "just fails AA" grey.
    assert contrast_ratio(hex_to_rgb("#777777"), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio((10, 20, 30), (10, 20, 30)) == 1.0
