"""Measuring real PNG files: colours, coverage, tileability, and the errors for bad files."""

from __future__ import annotations

import importlib.util
import math
import random
import struct
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, corpus
from PIL import Image, ImageDraw

from batchproc._color import delta_e76, rgb_to_hex, rgb_to_lab
from batchproc._imaging import _BACKDROP, MAX_PIXELS, _mean_strip_errors, measure, read_png_header
from batchproc.errors import BatchprocError, ExtractionError, InputError
from batchproc.models import IDF

EXTRACTOR = {"name": "local", "version": "test"}


def idf(path: Path) -> IDF:
    return IDF.model_validate({**measure(path), "extractor": EXTRACTOR})


def save(path: Path, image: Image.Image, **options: Any) -> Path:
    image.save(path, format="PNG", **options)
    return path


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bytes(width: int, height: int, depth: int, colour_type: int, rows: list[bytes]) -> bytes:
    """A PNG written by hand (for what Pillow cannot write, like 16-bit RGB)."""
    ihdr = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every row
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def colours_of(image: Image.Image) -> set[str]:
    rgb = image.convert("RGB")
    return {rgb_to_hex(colour) for _, colour in rgb.getcolors(rgb.width * rgb.height)}


def load_make_examples() -> Any:
    spec = importlib.util.spec_from_file_location("make_examples", ROOT / "scripts" / "make_examples.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- drawings used by several tests --------------------------------------------------------


def theatre(size: tuple[int, int] = (240, 180)) -> Image.Image:
    """A dark flat background with three flat motifs: 4 exact colours."""
    image = Image.new("RGB", size, "#1a0f1f")
    pen = ImageDraw.Draw(image)
    pen.rectangle((20, 20, 100, 90), fill="#d4a537")
    pen.ellipse((120, 40, 200, 150), fill="#a3162e")
    pen.rectangle((30, 120, 90, 160), fill="#1f8a8a")
    return image


def many_colours(size: tuple[int, int] = (240, 180)) -> Image.Image:
    """More than 8 exact colours (a stepped gradient band), so the palette is quantised."""
    image = theatre(size)
    pen = ImageDraw.Draw(image)
    for step in range(24):
        pen.rectangle((10 + step * 9, 165, 18 + step * 9, 175), fill=(40 + step * 8, 200 - step * 5, 90))
    return image


# --- the examples --------------------------------------------------------------------------


def test_examples_have_their_painted_background(tmp_path: Path) -> None:
    examples = load_make_examples()
    written = examples.make_examples(tmp_path)
    assert {path.name for path in written} == set(examples.BACKGROUNDS)
    for path in written:
        facts = idf(path)
        assert facts.background is not None
        assert facts.background.hex == examples.BACKGROUNDS[path.name], path.name
        assert facts.mode == "dark"
        assert facts.palette[0].role == "background"
        assert len(facts.palette) >= 4  # gold, crimson, teal motifs besides the background
        assert path.stat().st_size < 60_000
    assert idf(tmp_path / examples.PATTERN).tileability.tileable


def test_checked_in_examples_are_what_the_script_draws(tmp_path: Path) -> None:
    examples = load_make_examples()
    for path in examples.make_examples(tmp_path):
        shipped = ROOT / "manifests" / "images" / path.name
        assert shipped.read_bytes() == path.read_bytes(), f"re-run scripts/make_examples.py ({path.name})"


# --- colours -------------------------------------------------------------------------------


def test_flat_image_has_a_one_colour_palette(tmp_path: Path) -> None:
    facts = idf(save(tmp_path / "flat.png", Image.new("RGB", (64, 48), "#336699")))
    assert [(c.hex, c.coverage, c.role) for c in facts.palette] == [("#336699", 1.0, "background")]
    assert facts.background is not None and facts.background.hex == "#336699"
    assert facts.background.coverage == 1.0
    assert facts.coverage.overall == 0.0
    assert facts.transparent_share == 0.0
    assert facts.contrast == ()
    assert facts.mode == "dark"  # WCAG luminance 0.13, below 0.18
    assert facts.dimensions.model_dump() == {
        "width": 64,
        "height": 48,
        "mode": "RGB",
        "color_type": "rgb",
        "bit_depth": 8,
        "alpha": False,
        "frames": 1,
        "color_profile": None,
    }


@pytest.mark.parametrize(("colour", "mode"), [("#000000", "dark"), ("#5a5a5a", "dark"), ("#808080", "light")])
def test_mode_follows_background_luminance(tmp_path: Path, colour: str, mode: str) -> None:
    assert idf(save(tmp_path / "bg.png", Image.new("RGB", (8, 8), colour))).mode == mode


def test_one_pixel_image(tmp_path: Path) -> None:
    facts = idf(save(tmp_path / "dot.png", Image.new("RGB", (1, 1), "#ff8800")))
    assert [c.hex for c in facts.palette] == ["#ff8800"]
    assert facts.tileability.tileable
    assert facts.coverage.grid[1][1] == 0.0


def test_palette_with_trns_ignores_transparent_entries(tmp_path: Path) -> None:
    image = Image.new("P", (40, 20), 0)
    image.putpalette([0, 0, 0, 20, 60, 200, 250, 250, 250])
    image.paste(1, (20, 0, 40, 20))
    facts = idf(save(tmp_path / "p.png", image, transparency=0))
    assert facts.dimensions.color_type == "palette"
    assert facts.dimensions.alpha is True
    assert facts.transparent_share == 0.5
    assert [c.hex for c in facts.palette] == ["#143cc8"]
    assert facts.background is not None and facts.background.hex == "#143cc8"


def test_transparent_pixels_do_not_count_as_black(tmp_path: Path) -> None:
    logo = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(logo).ellipse((70, 70, 130, 130), fill="#e63946")
    facts = idf(save(tmp_path / "logo.png", logo))
    assert [c.hex for c in facts.palette] == ["#e63946"]
    assert facts.background is None  # a transparent frame: the logo sits on the page
    assert facts.mode == "light"
    assert facts.transparent_share > 0.9
    assert facts.coverage.upper_left == 0.0
    assert facts.coverage.central > 0.5


def test_all_transparent_image(tmp_path: Path) -> None:
    facts = idf(save(tmp_path / "none.png", Image.new("RGBA", (10, 10), (255, 0, 0, 0))))
    assert facts.background is None
    assert facts.palette == ()
    assert facts.transparent_share == 1.0
    assert facts.coverage.overall == 0.0


def test_faint_only_image_uses_its_faint_pixels(tmp_path: Path) -> None:
    facts = idf(save(tmp_path / "faint.png", Image.new("RGBA", (10, 10), (0, 128, 0, 40))))
    assert [c.hex for c in facts.palette] == ["#008000"]
    assert facts.transparent_share == 0.0


def test_16_bit_grey_is_scaled_not_clipped(tmp_path: Path) -> None:
    image = Image.new("I;16", (16, 16), 32896)  # 0x8080: 128 in 8 bits
    facts = idf(save(tmp_path / "grey16.png", image))
    assert facts.dimensions.bit_depth == 16
    assert facts.dimensions.color_type == "grey"
    assert facts.background is not None and facts.background.hex == "#808080"


def test_16_bit_grey_trns(tmp_path: Path) -> None:
    rows = [struct.pack(">4H", 1000, 1000, 65535, 65535)] * 2
    data = png_bytes(4, 2, 16, 0, rows)
    data = data[:33] + chunk(b"tRNS", struct.pack(">H", 1000)) + data[33:]  # after IHDR, before IDAT
    path = tmp_path / "grey16t.png"
    path.write_bytes(data)
    facts = idf(path)
    assert facts.transparent_share == 0.5
    assert [c.hex for c in facts.palette] == ["#ffffff"]


def rgb16(image: Image.Image) -> bytes:
    """The same picture as a 16-bit RGB PNG (each 8-bit value v stored as v * 257)."""
    raw = image.convert("RGB").tobytes()
    rows = []
    for y in range(image.height):
        line = raw[y * image.width * 3 : (y + 1) * image.width * 3]
        rows.append(struct.pack(f">{len(line)}H", *(value * 257 for value in line)))
    return png_bytes(image.width, image.height, 16, 2, rows)


def as_palette(image: Image.Image) -> Image.Image:
    """The same picture as an exact palette image (no quantising)."""
    rgb = image.convert("RGB")
    colours = [colour for _, colour in rgb.getcolors(256)]
    index = {colour: i for i, colour in enumerate(colours)}
    out = Image.new("P", rgb.size)
    out.putpalette([v for colour in colours for v in colour])
    out.putdata([index[pixel] for pixel in rgb.get_flattened_data()])
    return out


@pytest.mark.parametrize("drawing", [theatre, many_colours])
def test_twins_measure_the_same(tmp_path: Path, drawing: Any) -> None:
    image = drawing()
    paths = [
        save(tmp_path / "rgb.png", image),
        save(tmp_path / "rgba.png", image.convert("RGBA")),
        save(tmp_path / "p.png", as_palette(image)),
    ]
    paths.append(tmp_path / "rgb16.png")
    paths[-1].write_bytes(rgb16(image))
    results = [idf(path) for path in paths]
    reference = results[0]
    assert idf(paths[-1]).dimensions.bit_depth == 16
    for path, facts in zip(paths, results):
        assert facts.palette == reference.palette, path.name
        assert facts.background == reference.background, path.name
        assert facts.coverage == reference.coverage, path.name
        assert facts.tileability == reference.tileability, path.name
    assert len(reference.palette) <= 8


def test_grey_twins_measure_the_same(tmp_path: Path) -> None:
    image = Image.new("L", (60, 40), 30)
    ImageDraw.Draw(image).rectangle((10, 10, 30, 30), fill=200)
    grey = idf(save(tmp_path / "l.png", image))
    grey_alpha = idf(save(tmp_path / "la.png", image.convert("LA")))
    grey16 = idf(save(tmp_path / "i16.png", image.point(lambda v: v * 257, "I").convert("I;16")))
    rgb = idf(save(tmp_path / "rgb.png", image.convert("RGB")))
    for facts in (grey, grey_alpha, grey16):
        assert facts.palette == rgb.palette
        assert facts.background == rgb.background


def test_quantised_palette_has_only_real_colours(tmp_path: Path) -> None:
    image = many_colours()
    facts = idf(save(tmp_path / "many.png", image))
    assert 2 <= len(facts.palette) <= 8
    assert {c.hex for c in facts.palette} <= colours_of(image)
    assert sum(c.coverage for c in facts.palette) == pytest.approx(1.0, abs=1e-3)
    coverages = [c.coverage for c in facts.palette]
    assert coverages == sorted(coverages, reverse=True)
    assert facts.background is not None and facts.background.hex == "#1a0f1f"


def test_roles_and_contrast(tmp_path: Path) -> None:
    image = Image.new("RGB", (100, 100), "#000000")
    ImageDraw.Draw(image).rectangle((0, 0, 99, 39), fill="#ffffff")  # 40 % white
    ImageDraw.Draw(image).rectangle((40, 60, 49, 69), fill="#777777")  # 1 % grey
    image.paste((0, 0, 0), (0, 0, 100, 1))  # keep the border mostly black
    facts = idf(save(tmp_path / "roles.png", image))
    roles = {c.hex: c.role for c in facts.palette}
    assert roles == {"#000000": "background", "#ffffff": "primary", "#777777": "accent"}
    contrast = {c.hex: c for c in facts.contrast}
    assert contrast["#ffffff"].ratio == 21.0 and contrast["#ffffff"].aaa_normal
    assert contrast["#777777"].ratio == 4.69
    assert contrast["#777777"].aa_normal and contrast["#777777"].aa_large and not contrast["#777777"].aaa_normal


# --- coverage ------------------------------------------------------------------------------


@pytest.mark.parametrize("side", [300, 900])  # 900 px is sampled down, 300 px is measured whole
def test_coverage_of_known_shapes(tmp_path: Path, side: int) -> None:
    image = Image.new("RGB", (side, side), "#ffffff")
    pen = ImageDraw.Draw(image)
    third = side // 3
    pen.rectangle((0, 0, third - 1, third - 1), fill="#000000")  # fills the upper-left cell
    radius = side * 0.4 / 3  # a disc of 0.503 of the central cell
    centre = side / 2
    pen.ellipse((centre - radius, centre - radius, centre + radius, centre + radius), fill="#d4a537")
    coverage = idf(save(tmp_path / "shapes.png", image)).coverage
    disc = math.pi * 0.4**2
    assert coverage.upper_left == pytest.approx(1.0, abs=0.02)
    assert coverage.central == pytest.approx(disc, abs=0.02)
    assert coverage.lower_right == pytest.approx(0.0, abs=0.02)
    assert coverage.grid[0][1] == pytest.approx(0.0, abs=0.02)
    assert coverage.overall == pytest.approx((1 + disc) / 9, abs=0.02)


# --- tileability ---------------------------------------------------------------------------


def test_wrapping_wave_tiles_and_gradient_does_not(tmp_path: Path) -> None:
    wave = Image.new("L", (128, 64))
    wave.putdata([round(127 + 100 * math.cos(2 * math.pi * (x / 128 + y / 64))) for y in range(64) for x in range(128)])
    ramp = Image.linear_gradient("L").rotate(90).resize((128, 64))
    tiles = idf(save(tmp_path / "wave.png", wave)).tileability
    seams = idf(save(tmp_path / "ramp.png", ramp)).tileability
    assert tiles.tileable
    assert not seams.tileable
    assert seams.seam_error_horizontal > 50 > seams.interior_error


def test_plain_edges_are_told_apart_from_a_texture_that_tiles(tmp_path: Path) -> None:
    rng = random.Random(3)
    framed = Image.new("RGB", (96, 96), "#2a1a10")  # a painting in a plain frame
    framed.paste(Image.frombytes("RGB", (64, 64), bytes(rng.randrange(256) for _ in range(64 * 64 * 3))), (16, 16))
    wave = Image.new("L", (128, 64))
    wave.putdata([round(127 + 100 * math.cos(2 * math.pi * (x / 128 + y / 64))) for y in range(64) for x in range(128)])
    picture = idf(save(tmp_path / "framed.png", framed)).tileability
    texture = idf(save(tmp_path / "wave.png", wave)).tileability
    flat = idf(save(tmp_path / "flat.png", Image.new("RGB", (32, 32), "#336699"))).tileability
    assert (picture.tileable, picture.plain_edges) == (True, True)  # no seam, but nothing continues
    assert (texture.tileable, texture.plain_edges) == (True, False)
    assert (flat.tileable, flat.plain_edges) == (True, True)


def test_one_pixel_wide_image(tmp_path: Path) -> None:
    strip = Image.linear_gradient("L").resize((1, 50))
    facts = idf(save(tmp_path / "strip.png", strip))
    assert facts.tileability.seam_error_horizontal == 0.0
    assert facts.tileability.seam_error_vertical > 50
    assert not facts.tileability.tileable


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "P"])
def test_strip_errors_are_the_colour_formula_for_every_pixel(mode: str) -> None:
    """The seam errors come out of Pillow's float bands; they must equal ``_color``'s ΔE76."""
    rng = random.Random(7)
    width, height = 37, 23
    pixels = [
        (rng.randrange(256), rng.randrange(256), rng.randrange(256), rng.choice((0, 90, 255)))
        for _ in range(width * height)
    ]
    image = Image.new("RGBA", (width, height))
    image.putdata(pixels)
    image = image.convert("RGB") if mode == "RGB" else image.quantize(64) if mode == "P" else image
    seen = Image.alpha_composite(Image.new("RGBA", image.size, _BACKDROP), image.convert("RGBA")).convert("RGB")

    def column(x: int) -> tuple[int, int, int, int]:
        return (x, 0, x + 1, height)

    def row(y: int) -> tuple[int, int, int, int]:
        return (0, y, width, y + 1)

    pairs = [(column(0), column(width - 1)), (row(0), row(height - 1)), (column(5), column(6)), (row(9), row(10))]
    expected = []
    for first, second in pairs:
        a, b = (
            [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]
            for raw in (seen.crop(first).tobytes(), seen.crop(second).tobytes())
        )
        expected.append(sum(delta_e76(rgb_to_lab(p), rgb_to_lab(q)) for p, q in zip(a, b)) / len(a))
    measured = _mean_strip_errors(image, image.info.get("transparency"), pairs)
    assert measured == pytest.approx(expected, abs=1e-3)
    assert min(expected) > 20  # random pixels: far from zero, so the comparison means something


# --- frames and speed ----------------------------------------------------------------------


def test_apng_measures_frame_zero(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (16, 16), colour) for colour in ("#102030", "#ffee00", "#00ff00")]
    path = tmp_path / "anim.png"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100)
    facts = idf(path)
    assert facts.dimensions.frames == 3
    assert [c.hex for c in facts.palette] == ["#102030"]


def test_large_image_measures_quickly(tmp_path: Path) -> None:
    noise = Image.effect_noise((2048, 2048), 60).convert("RGB")
    rng = random.Random(0)
    pen = ImageDraw.Draw(noise)
    for _ in range(40):
        x, y = rng.randrange(2048), rng.randrange(2048)
        pen.ellipse((x, y, x + 200, y + 120), fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    path = save(tmp_path / "big.png", noise, compress_level=1)
    start = time.perf_counter()
    idf(path)
    assert time.perf_counter() - start < 1.0


# --- errors --------------------------------------------------------------------------------


def error_of(path: Path) -> BatchprocError:
    with pytest.raises(BatchprocError) as caught:
        measure(path)
    return caught.value


def test_jpeg_named_png(tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    Image.new("RGB", (8, 8), "red").save(path, format="JPEG")
    error = error_of(path)
    assert isinstance(error, InputError)
    assert str(error) == f"{path}: is a JPEG file, not a PNG; export it as PNG"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    assert str(error_of(path)) == f"{path}: file is empty; export the image as PNG"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.png"
    assert str(error_of(path)) == f"{path}: cannot read the file (No such file or directory); check the path"


def test_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "notes.png"
    path.write_text("hello")
    assert str(error_of(path)) == f"{path}: is not a PNG file; export it as PNG"


def test_huge_header_is_refused_before_decoding(tmp_path: Path) -> None:
    pixel_limit = Image.MAX_IMAGE_PIXELS
    header = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0))
    path = tmp_path / "bomb.png"
    path.write_bytes(header + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))
    message = "image is 60000x60000 pixels, above the 80 megapixel limit; scale it down"
    error = error_of(path)
    assert isinstance(error, InputError)
    assert str(error) == f"{path}: {message}"
    with pytest.raises(InputError, match="^bomb.png: image is 60000x60000"):
        read_png_header(header, file="bomb.png")  # the header's 33 bytes are enough
    assert Image.MAX_IMAGE_PIXELS == pixel_limit
    assert MAX_PIXELS == 80_000_000


def test_truncated_png(tmp_path: Path) -> None:
    path = save(tmp_path / "cut.png", Image.effect_noise((64, 64), 50))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    error = error_of(path)
    assert isinstance(error, ExtractionError)
    assert str(error) == f"{path}: image data is truncated (chunk IDAT runs past the end); re-export the file"


def test_crc_errors(tmp_path: Path) -> None:
    good = save(tmp_path / "good.png", theatre()).read_bytes()
    idat = good.index(b"IDAT") + 8
    body = tmp_path / "body.png"
    body.write_bytes(good[:idat] + bytes([good[idat] ^ 0xFF]) + good[idat + 1 :])
    assert str(error_of(body)) == f"{body}: chunk IDAT fails its CRC check (the file is corrupt); re-export it"
    header = tmp_path / "header.png"
    header.write_bytes(good[:20] + bytes([good[20] ^ 0x01]) + good[21:])
    assert str(error_of(header)) == f"{header}: PNG header fails its CRC check (the file is corrupt); re-export it"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ((0, 3, 8, 6), "PNG header says the image is 0x3 pixels; re-export it"),
        ((4, 4, 3, 2), "PNG header has an invalid bit depth 3 for colour type rgb; re-export it"),
        ((4, 4, 8, 1), "PNG header has an invalid colour type 1; re-export it"),
    ],
)
def test_bad_header_values(fields: tuple[int, int, int, int], message: str) -> None:
    header = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", *fields, 0, 0, 0))
    with pytest.raises(InputError) as caught:
        read_png_header(header, file="x.png")
    assert str(caught.value) == f"x.png: {message}"


def test_missing_ihdr_and_damaged_signature() -> None:
    with pytest.raises(InputError, match=r"^x.png: has no PNG header \(IHDR chunk\); re-export it$"):
        read_png_header(b"\x89PNG\r\n\x1a\n" + chunk(b"IDAT", b"x"), file="x.png")
    with pytest.raises(InputError, match=r"^x.png: has a damaged PNG signature \(copied as text\?\); re-export it$"):
        read_png_header(b"\x89PNG\r\r\n\x1a\n" + b"\x00" * 40, file="x.png")


def test_corrupt_image_data(tmp_path: Path) -> None:
    path = tmp_path / "garbage.png"
    path.write_bytes(png_bytes(4, 4, 8, 2, [])[:33] + chunk(b"IDAT", b"not zlib at all") + chunk(b"IEND", b""))
    error = error_of(path)
    assert isinstance(error, ExtractionError)
    assert str(error).startswith(f"{path}: cannot decode the image (")
    assert str(error).endswith("); re-export the file")


def test_split_image_data(tmp_path: Path) -> None:
    good = png_bytes(2, 2, 8, 2, [b"\x00" * 6] * 2)
    data = zlib.compress(b"\x00" * 14)
    split = good[:33] + chunk(b"IDAT", data[:5]) + chunk(b"tEXt", b"a\x00b") + chunk(b"IDAT", data[5:])
    path = tmp_path / "split.png"
    path.write_bytes(split + chunk(b"IEND", b""))
    assert str(error_of(path)) == (
        f"{path}: image data (IDAT) is split by other chunks (the file is corrupt); re-export it"
    )


# --- the shared corpus ---------------------------------------------------------------------


def corpus_files() -> list[Path]:
    root = corpus()
    if root is None:
        return []
    return sorted(
        path for folder in ("design", "pngsuite", "odd") for path in (root / folder).glob("*") if path.is_file()
    )


@pytest.mark.skipif(corpus() is None, reason="set BATCHPROC_CORPUS to measure the shared corpus")
@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_corpus_file_measures_or_fails_cleanly(path: Path) -> None:
    try:
        facts = idf(path)
    except BatchprocError as error:
        assert "\n" not in str(error)
        assert str(error).startswith(f"{path}: ")
    else:
        assert facts.dimensions.width >= 1
        colours = {c.hex for c in facts.palette}
        assert len(colours) == len(facts.palette)
