"""Accuracy on pictures with a known answer: painted colours, areas, antialiasing, noise, alpha,
four encodings of one picture, and an embedded Display P3 profile."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from icc import NAME as P3_NAME
from icc import display_p3_profile, p3_to_srgb
from PIL import Image, ImageCms, ImageDraw
from test_imaging import as_palette, colours_of, idf, rgb16, save

from batchproc._color import delta_e2000, hex_to_rgb, rgb_to_lab
from batchproc.models import IDF

SCALE = 4  # shapes are drawn 4x larger and box-filtered down: real antialiased edges
SIZE = (400, 300)
CREAM = (236, 226, 201)
SHAPES = {  # colour: (kind, box) in final-size pixels
    (212, 165, 55): ("rectangle", (30, 30, 150, 120)),  # gold, 9.1%
    (163, 22, 46): ("ellipse", (200, 40, 330, 170)),  # crimson, about 11%
    (31, 138, 138): ("rectangle", (40, 180, 140, 250)),  # teal, 5.9%
    (40, 50, 110): ("ellipse", (250, 200, 320, 270)),  # navy, about 3.2%
    (120, 180, 60): ("rectangle", (360, 20, 380, 40)),  # green, 0.3%: too small to promise
}


def picture() -> tuple[Image.Image, dict[tuple[int, int, int], float]]:
    """The antialiased picture and each painted colour's share of its pixels."""
    big = Image.new("RGB", (SIZE[0] * SCALE, SIZE[1] * SCALE), CREAM)
    pen = ImageDraw.Draw(big)
    for colour, (kind, box) in SHAPES.items():
        getattr(pen, kind)(tuple(v * SCALE for v in box), fill=colour)
    counts = {colour: count for count, colour in big.getcolors(16)}
    total = big.width * big.height
    return big.reduce(SCALE), {colour: counts[colour] / total for colour in (CREAM, *SHAPES)}


def noisy(image: Image.Image, sigma: float = 3.0) -> Image.Image:
    """Gaussian noise on every channel (seeded): no two neighbours share a colour."""
    rng = random.Random(7)
    data = [tuple(max(0, min(255, round(v + rng.gauss(0, sigma)))) for v in pixel) for pixel in image.get_flattened_data()]
    out = Image.new("RGB", image.size)
    out.putdata(data)
    return out


def with_transparent_margin(image: Image.Image) -> Image.Image:
    """An RGBA twin with a fully transparent band of garbage colours down the right edge."""
    rgba = image.convert("RGBA")
    band = Image.effect_noise((20, image.height), 80).convert("RGBA")
    band.putalpha(0)
    rgba.paste(band, (image.width - 20, 0))
    return rgba


def check(facts: IDF, image: Image.Image, shares: dict[tuple[int, int, int], float], counted: float = 1.0) -> None:
    """The issue's promises: background, colours of 3% or more, their shares, real colours."""
    assert facts.background is not None
    assert delta_e2000(rgb_to_lab(hex_to_rgb(facts.background.hex)), rgb_to_lab(CREAM)) < 2
    labs = {c.hex: rgb_to_lab(c.rgb) for c in facts.palette}
    for colour, share in shares.items():
        share /= counted
        if share < 0.03:
            continue
        nearest = min(labs, key=lambda hex_: delta_e2000(labs[hex_], rgb_to_lab(colour)))
        assert delta_e2000(labs[nearest], rgb_to_lab(colour)) < 5, colour
        coverage = next(c.coverage for c in facts.palette if c.hex == nearest)
        assert abs(coverage - share) < 0.02, (colour, coverage, share)
    assert {c.hex for c in facts.palette} <= colours_of(image)  # no padding black, no averages


def test_antialiased_shapes(tmp_path: Path) -> None:
    image, shares = picture()
    check(idf(save(tmp_path / "aa.png", image)), image, shares)


def test_antialiased_noisy_shapes(tmp_path: Path) -> None:
    image, shares = picture()
    image = noisy(image)
    check(idf(save(tmp_path / "noise.png", image)), image, shares)


def test_transparent_margin_does_not_count(tmp_path: Path) -> None:
    image, shares = picture()
    rgba = with_transparent_margin(noisy(image))
    facts = idf(save(tmp_path / "alpha.png", rgba))
    assert facts.transparent_share == pytest.approx(20 / 400, abs=1e-4)
    # The band hides only cream; shares are of the visible pixels.
    visible_shares = {colour: share for colour, share in shares.items() if colour != CREAM}
    visible_shares[CREAM] = shares[CREAM] - 20 / 400
    check(facts, rgba.convert("RGB").crop((0, 0, 380, 300)), visible_shares, counted=380 / 400)


def test_encodings_of_one_picture_agree(tmp_path: Path) -> None:
    image, shares = picture()
    assert len(image.getcolors(256) or []) <= 256  # exact as a palette image
    paths = [save(tmp_path / "rgb.png", image), save(tmp_path / "rgba.png", image.convert("RGBA"))]
    paths.append(save(tmp_path / "p.png", as_palette(image)))
    paths.append(tmp_path / "rgb16.png")
    paths[-1].write_bytes(rgb16(image))
    reference = idf(paths[0])
    check(reference, image, shares)
    for path in paths[1:]:
        facts = idf(path)
        assert facts.palette == reference.palette, path.name
        assert facts.background == reference.background, path.name
        assert facts.coverage == reference.coverage, path.name


def test_noisy_rgb_and_16_bit_agree(tmp_path: Path) -> None:
    image = noisy(picture()[0])
    rgb = idf(save(tmp_path / "rgb.png", image))
    (tmp_path / "rgb16.png").write_bytes(rgb16(image))
    deep = idf(tmp_path / "rgb16.png")
    assert (deep.palette, deep.background, deep.coverage) == (rgb.palette, rgb.background, rgb.coverage)


P3_BACKGROUND = (60, 150, 120)
P3_SHAPE = (200, 80, 60)


def test_display_p3_profile_is_converted_to_srgb(tmp_path: Path) -> None:
    image = Image.new("RGB", (120, 90), P3_BACKGROUND)
    ImageDraw.Draw(image).rectangle((30, 20, 90, 70), fill=P3_SHAPE)
    facts = idf(save(tmp_path / "p3.png", image, icc_profile=display_p3_profile()))
    assert facts.dimensions.color_profile is not None
    assert facts.dimensions.color_profile.model_dump() == {"name": P3_NAME, "converted": True}
    assert facts.background is not None
    expected = p3_to_srgb(P3_BACKGROUND)  # (0.0, 152.4, 118.1): outside sRGB, clipped
    assert delta_e2000(rgb_to_lab(facts.background.rgb), rgb_to_lab(expected)) < 1  # type: ignore[arg-type]
    assert delta_e2000(rgb_to_lab(facts.background.rgb), rgb_to_lab(P3_BACKGROUND)) > 3  # the raw values are off
    shape = next(c for c in facts.palette if c.role != "background")
    assert delta_e2000(rgb_to_lab(shape.rgb), rgb_to_lab(p3_to_srgb(P3_SHAPE))) < 1  # type: ignore[arg-type]
    assert shape.coverage == pytest.approx(61 * 51 / (120 * 90), abs=1e-4)


def test_srgb_profile_changes_nothing(tmp_path: Path) -> None:
    image = Image.new("RGB", (40, 30), P3_BACKGROUND)
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    facts = idf(save(tmp_path / "srgb.png", image, icc_profile=srgb))
    assert facts.dimensions.color_profile is not None
    assert facts.dimensions.color_profile.converted is False
    assert facts.background is not None and facts.background.rgb == P3_BACKGROUND


def test_p3_with_alpha_keeps_its_transparency(tmp_path: Path) -> None:
    image = Image.new("RGBA", (40, 30), (*P3_SHAPE, 255))
    image.paste((0, 0, 0, 0), (0, 0, 10, 30))
    facts = idf(save(tmp_path / "p3a.png", image, icc_profile=display_p3_profile()))
    assert facts.transparent_share == pytest.approx(0.25)
    assert [c.hex for c in facts.palette] == [facts.background.hex] if facts.background else False
    assert delta_e2000(rgb_to_lab(facts.palette[0].rgb), rgb_to_lab(p3_to_srgb(P3_SHAPE))) < 1  # type: ignore[arg-type]


def test_unreadable_profile_is_ignored_like_browsers_do(tmp_path: Path) -> None:
    image = Image.new("RGB", (40, 30), P3_BACKGROUND)
    facts = idf(save(tmp_path / "broken.png", image, icc_profile=b"not an ICC profile" * 10))
    assert facts.dimensions.color_profile is None
    assert facts.background is not None and facts.background.rgb == P3_BACKGROUND
