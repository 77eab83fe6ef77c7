"""usage.md and context.md for the example batch: concrete advice from the measured facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from batchproc._cli import main


@pytest.fixture
def packages(repo: Path, example_batch: Path) -> Path:
    assert main(["apply", str(example_batch)]) == 0
    return repo / "assets"


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_usage_of_the_velvet_tile(packages: Path) -> None:
    usage = lines(packages / "ASSET-3-velvet-curtain" / "usage.md")
    assert "  background-repeat: repeat;" in usage
    assert "  background-size: 512px auto;" in usage
    assert "  color: #f3d98b;" in usage
    assert "- Use `#f3d98b` for text on this image: 13.35:1 against `#1a0f1f`, which passes WCAG AA." in usage
    assert (
        "- Do not set body text in `#a3162e` (2.4:1), `#6e0f22` (1.55:1), `#1f8a8a` (4.47:1): below the 4.5:1 "
        "WCAG AA needs; keep those colours for shapes or large display type (3:1)."
    ) in usage
    assert (
        "- Busy regions (over 30% covered): lower-right 31.6%. Text there goes on a panel of `#1a0f1f` at 0.85 "
        "opacity; elsewhere text can sit straight on the image."
    ) in usage
    assert (
        "As a dark image, use it at full opacity as a background, or at 0.85 under a scrim of its background "
        "colour when content sits on top."
    ) in usage


def test_usage_of_the_masks_names_the_busy_centre(packages: Path) -> None:
    usage = lines(packages / "ASSET-4-comedy-and-tragedy-masks" / "usage.md")
    assert (
        "- Do not set body text in `#a3162e` (2.46:1): below the 4.5:1 WCAG AA needs; keep those colours for "
        "shapes or large display type (3:1)."
    ) in usage
    assert (
        "- Busy regions (over 30% covered): centre 74.2%. Text there goes on a panel of `#160b1e` at 0.85 "
        "opacity; elsewhere text can sit straight on the image."
    ) in usage


def test_usage_of_the_spotlight_says_every_region_is_busy(packages: Path) -> None:
    usage = lines(packages / "ASSET-6-spotlight" / "usage.md")
    assert (
        "- Busy regions (over 30% covered): upper-left 55.0%, top 49.3%, upper-right 55.4%, left 71.9%, "
        "centre 81.2%, right 74.7%, lower-left 54.9%, bottom 62.0%, lower-right 55.7%. Text there goes on a "
        "panel of `#1f0d1a` at 0.85 opacity: every region is busy."
    ) in usage


def test_context_says_what_was_measured_and_what_was_declared(packages: Path) -> None:
    context = lines(packages / "ASSET-6-spotlight" / "context.md")
    assert "Measured by the `local` extractor from the PNG itself; none of it is taken from the manifest." in context
    assert "| mode | dark (from the background's luminance); the manifest declares dark, which agrees |" in context
    assert "| colour profile | none embedded (sRGB assumed) |" in context
    assert "Written by the team in the manifest and passed on as written; batchproc did not measure these." in context
    declared = context.index("## Declared in the manifest")
    assert context[declared + 4 : declared + 7] == [
        "- **mode**: dark",
        "- **motifs**: spotlight cone, stage floor",
        "- **purpose**: feature panel",
    ]


def test_declared_mode_that_disagrees_is_called_out(repo: Path, example_batch: Path) -> None:
    text = example_batch.read_text()
    example_batch.write_text(text.replace("mode: dark\n      purpose: feature panel", "mode: light\n      purpose: feature panel"))
    assert main(["apply", str(example_batch)]) == 0
    context = lines(repo / "assets" / "ASSET-6-spotlight" / "context.md")
    assert (
        "| mode | dark (from the background's luminance); the manifest declares light, which does not agree: "
        "check the image |"
    ) in context


@pytest.mark.parametrize(
    ("category", "repeat", "size", "sentence"),
    [
        ("patterns", "repeat", "64px auto", "The pattern tiles without a visible seam"),
        ("wallpapers", "no-repeat", "cover", "A picture, not a pattern: shown once, `cover` fills the element"),
        ("icons", "no-repeat", "64px 64px", "An icon: show it once at its native 64 × 64 px"),
    ],
)
def test_plain_edges_repeat_only_for_a_pattern(
    repo: Path, write_png, category: str, repeat: str, size: str, sentence: str
) -> None:
    # A flat image: its opposite edges match exactly, so it "tiles", yet only a pattern should repeat.
    write_png("frontend/drop/flat.png", size=(64, 64), colour="#123456")
    manifest = repo / "drop" / "batch.yaml"
    manifest.write_text(f"batch_id: b\nassets:\n  - {{asset_id: A-1, path: flat.png, score: 95, category: {category}, name: Flat}}\n")
    assert main(["apply", str(manifest), "--quiet"]) == 0
    usage = lines(repo / "assets" / "A-1-flat" / "usage.md")
    assert f"  background-repeat: {repeat};" in usage
    assert f"  background-size: {size};" in usage
    assert any(line.startswith(sentence) for line in usage), usage
