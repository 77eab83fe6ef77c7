"""Every kind of bad manifest gets one exact line per problem, with file, YAML line and fix.

Covers the schema layer (_schema_errors), the rules layer (_rules) and reading the file
(_manifest); the YAML layer has its own tests in test_yaml.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from batchproc._manifest import load_manifest
from batchproc.errors import InputError

ASSET = "  - {asset_id: A-1, path: a.png, score: 95}\n"


@pytest.fixture
def folder(tmp_path: Path, write_png) -> Path:
    write_png("a.png", size=(64, 64))
    write_png("b.png", size=(64, 64))
    write_png("wide.png", size=(128, 64))
    return tmp_path


def problems(folder: Path, text: str | bytes, name: str = "m.yaml") -> list[str]:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(InputError) as caught:
        load_manifest(path)
    prefix = f"{path}"
    return [line.removeprefix(prefix) for line in caught.value.lines()]


# --- YAML values the user wrote as text, and numbers that are not numbers ------------------


def test_yaml_1_1_values_stay_what_the_user_wrote(folder: Path) -> None:
    path = folder / "m.yaml"
    path.write_text(
        "batch_id: 2024-01-01\ntitle: no\nassets:\n"
        "  - {asset_id: 0042, path: a.png, score: 9.5e1, name: 1:30, category: off, specs: {mode: yes, style: 1.10}}\n"
    )
    manifest = load_manifest(path)
    (asset,) = manifest.assets
    assert (manifest.batch_id, manifest.title) == ("2024-01-01", "no")
    assert (asset.asset_id, asset.score, asset.name, asset.slug, asset.category) == ("0042", 95.0, "1:30", "1-30", "off")
    assert dict(asset.specs) == {"mode": "yes", "style": "1.10"}


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (".nan", ":3: assets[0].score: expected a number, got '.nan'"),
        (".inf", ":3: assets[0].score: expected a number, got '.inf'"),
        ("1e999", ":3: assets[0].score: expected a number, got '1e999'"),
        ("'95'", ":3: assets[0].score: expected a number, got '95' (quoted, so text); remove the quotes"),
        ("true", ":3: assets[0].score: expected a number, got true"),
        ("~", ":3: assets[0].score: expected a number, got nothing; write a value or remove the key"),
        ("{a: 1}", ":3: assets[0].score: expected a number, got a mapping"),
        ("101", ":3: assets[0].score: 101 is above the maximum 100"),
        ("-1", ":3: assets[0].score: -1 is below the minimum 0"),
        ("0x50", ":3: assets[0].score: 80 is below the minimum 90"),
        ("89.99", ":3: assets[0].score: 89.99 is below the minimum 90"),
        ("9" * 40, ":3: assets[0].score: expected a number, got '" + "9" * 40 + "'"),
        ("9" * 50, ":3: assets[0].score: expected a number, got '" + "9" * 40 + "'… (50 characters)"),
    ],
)
def test_scores(folder: Path, score: str, expected: str) -> None:
    assert problems(folder, f"batch_id: b\nassets:\n  - {{asset_id: A-1, path: a.png, score: {score}}}\n") == [expected]


def test_empty_text_values(folder: Path) -> None:
    text = "batch_id: b\ntitle:\nassets:\n  - asset_id: A-1\n    path: a.png\n    score: 95\n    name: ~\n    category: ''\n"
    assert problems(folder, text) == [
        ":2: title: expected text, got nothing; write a value or remove the key",
        ":7: assets[0].name: expected text, got nothing; write a value or remove the key",
        ":8: assets[0].category: '' is not allowed here; use lower-case letters, digits and '-'",
    ]


# --- schema: unknown keys, oneOf branches ---------------------------------------------------


def test_every_unknown_key_with_its_own_line_and_nearest_key(folder: Path) -> None:
    text = "batch_id: b\nasets: []\nTitle: t\nassets:\n  - asset_id: A-1\n    path: a.png\n    scor: 95\n    score: 95\n    colour: red\n"
    assert problems(folder, text) == [
        ":2: unknown key 'asets'; did you mean 'assets'?",
        ":3: unknown key 'Title'; did you mean 'title'?",
        ":7: assets[0]: unknown key 'scor'; did you mean 'score'?",
        ":9: assets[0]: unknown key 'colour'; allowed keys: asset_id, path, score, name, category, specs",
    ]


@pytest.mark.parametrize(
    ("extractor", "expected"),
    [
        ("5", ":2: extractor: expected text or a mapping (key: value), got 5"),
        ("[http]", ":2: extractor: expected text or a mapping (key: value), got a list"),
        ("HTTP", ":2: extractor: 'HTTP' is not allowed here; use lower-case letters, digits, '-' and '_'"),
        ("{name: http, options: 3}", ":2: extractor.options: expected a mapping (key: value), got 3"),
        ("{name: http, option: {}}", ":2: extractor: unknown key 'option'; did you mean 'options'?"),
        ("{options: {}}", ":2: extractor: missing required key 'name'"),
    ],
)
def test_one_of_points_at_the_branch_the_user_meant(folder: Path, extractor: str, expected: str) -> None:
    assert problems(folder, f"batch_id: b\nextractor: {extractor}\nassets:\n{ASSET}") == [expected]


def test_odd_keys_are_quoted_in_the_location(folder: Path) -> None:
    text = 'batch_id: b\nassets:\n  - {asset_id: A-1, path: a.png, score: 95, specs: {"two\\nlines": {a: 1}}}\n'
    assert problems(folder, text) == [
        ":3: assets[0].specs['two\\nlines']: expected text or a number or true or false or a list, got a mapping"
    ]


def test_naming_category_keys(folder: Path) -> None:
    text = f"batch_id: b\nnaming:\n  '*': x-{{slug}}.png\n  Patterns: p.png\nassets:\n{ASSET}"
    assert problems(folder, text) == [
        ":4: naming: 'Patterns' is not allowed here; name a category in lower-case letters, digits and '-', or '*' for all others"
    ]


# --- limits and shape -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ":1: is empty; write a batch_id and a list of assets"),
        ("# only a comment\n\n", ":1: is empty; write a batch_id and a list of assets"),
        ("just text\n", ":1: the top level must be a mapping (batch_id:, assets:)"),
        ("- a\n- b\n", ":1: the top level must be a mapping (batch_id:, assets:)"),
        ("batch_id: b\n", ":1: missing required key 'assets'"),
        ("batch_id: b\nassets: []\n", ":2: assets: is empty; list at least 1 item"),
        ("batch_id: b\nassets: {}\n", ":2: assets: expected a list, got a mapping"),
        ("batch_id: b\nlimits: {min_score: 80}\nassets:\n" + ASSET, ":2: limits.min_score: 80 is below the minimum 90"),
        ("batch_id: b\nlimits: {max_assets: 6}\nassets:\n" + ASSET, ":2: limits.max_assets: 6 is above the maximum 5"),
    ],
    ids=["empty", "comment-only", "scalar", "list", "no-assets-key", "no-assets", "assets-mapping", "min-score", "max-assets"],
)
def test_limits_and_shape(folder: Path, text: str, expected: str) -> None:
    assert problems(folder, text) == [expected]


def test_more_assets_than_the_manifest_allows(folder: Path) -> None:
    rows = "".join(f"  - {{asset_id: A-{i}, path: a.png, score: 95, name: n{i}}}\n" for i in range(3))
    assert problems(folder, "batch_id: b\nlimits: {max_assets: 2}\nassets:\n" + rows) == [
        ":4: assets: 3 assets; a batch holds at most 2"
    ]


def test_score_below_a_raised_minimum(folder: Path) -> None:
    text = "batch_id: b\nlimits: {min_score: 95.5}\nassets:\n  - {asset_id: A-1, path: a.png, score: 95}\n"
    assert problems(folder, text) == [":4: assets[0].score: 95 is below the minimum 95.5"]


# --- the file itself ------------------------------------------------------------------------


def test_file_encodings(folder: Path) -> None:
    good = f"batch_id: b\nassets:\n{ASSET}"
    path = folder / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + good.encode())
    assert load_manifest(path).batch_id == "b"
    assert problems(folder, "\ufeff".encode("utf-16-le") + good.encode("utf-16-le")) == [": is UTF-16 text; save it as UTF-8"]
    latin1 = f"batch_id: b\ntitle: Théâtre\nassets:\n{ASSET}".encode("latin-1")
    assert problems(folder, latin1) == [":2: is not UTF-8 text (byte 21 is 0xe9); save it as UTF-8"]


def test_file_too_big_missing_or_a_folder(folder: Path) -> None:
    big = "batch_id: b\n" + "# padding\n" * 100_001
    assert problems(folder, big) == [": is more than 1000000 bytes; a manifest is far smaller"]
    with pytest.raises(InputError) as caught:
        load_manifest("/dev/zero")  # endless: read up to the limit, not until memory runs out
    assert caught.value.lines() == ["/dev/zero: is more than 1000000 bytes; a manifest is far smaller"]
    with pytest.raises(InputError) as caught:
        load_manifest(folder / "missing.yaml")
    assert caught.value.lines() == [f"{folder / 'missing.yaml'}: no such file"]
    with pytest.raises(InputError) as caught:
        load_manifest(folder)
    assert caught.value.lines() == [f"{folder}: is a folder, not a manifest file"]


# --- images, checked from their header without decoding -------------------------------------


def test_sources_are_checked_from_their_header(folder: Path) -> None:
    import struct
    import zlib

    def png(width: int, height: int, *, crc_ok: bool = True) -> bytes:
        body = b"IHDR" + struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
        crc = zlib.crc32(body) ^ (0 if crc_ok else 1)
        return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + body + struct.pack(">I", crc)

    (folder / "huge.png").write_bytes(png(60000, 60000))
    (folder / "crc.png").write_bytes(png(8, 8, crc_ok=False))
    (folder / "cut.png").write_bytes(png(8, 8)[:20])
    (folder / "photo.png").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 30)
    (folder / "empty.png").write_bytes(b"")
    (folder / "text.png").write_bytes(b"hello, this is not an image")
    (folder / "folder.png").mkdir()
    (folder / "link.png").symlink_to(folder / "a.png")
    os.mkfifo(folder / "pipe.png")
    names = ["huge", "crc", "cut", "photo", "empty", "text", "folder", "link", "missing", "nul\\0", "x" * 300, "pipe"]
    rows = "".join(f'  - {{asset_id: A-{i}, path: "{name}.png", score: 95}}\n' for i, name in enumerate(names))
    assert problems(folder, "batch_id: b\nlimits: {max_assets: 5}\nassets:\n" + rows) == [
        ":4: assets: 12 assets; a batch holds at most 5",
        ":4: assets[0].path: huge.png: image is 60000x60000 pixels, above the 80 megapixel limit; scale it down",
        ":5: assets[1].path: crc.png: PNG header fails its CRC check (the file is corrupt); re-export it",
        ":6: assets[2].path: cut.png: PNG header is truncated; re-export it",
        ":7: assets[3].path: photo.png: is a JPEG file, not a PNG; export it as PNG",
        ":8: assets[4].path: empty.png: file is empty; export the image as PNG",
        ":9: assets[5].path: text.png: is not a PNG file; export it as PNG",
        ":10: assets[6].path: folder.png: is a folder, not a PNG file",
        ":11: assets[7].path: link.png: is a symbolic link; point at the real file",
        ":12: assets[8].path: missing.png: no such file",
        ":13: assets[9].path: nul\x00.png: is not a valid file name (it holds a NUL character)",
        f":14: assets[10].path: {'x' * 300}.png: cannot be read: File name too long",
        ":15: assets[11].path: pipe.png: is not a regular file (a device or a pipe); point at the PNG file",
    ]


# --- paths ----------------------------------------------------------------------------------


def test_layout_folders_that_leave_the_repository_or_enter_git(folder: Path) -> None:
    text = (
        "batch_id: b\nlayout:\n  packages: ../../outside\n  public: /srv/www\n  package_dir: .git/{slug}\n"
        f"assets:\n{ASSET}"
    )
    assert problems(folder, text) == [
        ":3: layout.packages: '../../outside' goes up with '..'; write it relative to the repository root",
        ":4: layout.public: '/srv/www' is an absolute path; write it relative to the repository root",
        ":5: layout.package_dir: '.git/{slug}' enters .git; choose another folder",
    ]


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        (r"{public: 'web\assets'}", r":2: layout.public: 'web\\assets' uses '\'; separate folders with '/'"),
        ("{public: web/.GIT}", ":2: layout.public: 'web/.GIT' enters .git; choose another folder"),
        ("{public: C:/web}", ":2: layout.public: 'C:/web' is an absolute path; write it relative to the repository root"),
        ("{public: ~/web}", ":2: layout.public: '~/web' is an absolute path; write it relative to the repository root"),
        ("{packages: a//b}", ":2: layout.packages: 'a//b' has an empty or '.' folder; remove the extra '/' or './'"),
        ("{package_dir: '{slug'}", ":2: layout.package_dir: '{slug' has unbalanced braces (expected '}' before end of string); write fields as {name}"),
    ],
)
def test_more_unsafe_layouts(folder: Path, layout: str, expected: str) -> None:
    assert problems(folder, f"batch_id: b\nlayout: {layout}\nassets:\n{ASSET}") == [expected]


def test_trailing_slash_in_a_layout_folder_is_fine(folder: Path) -> None:
    path = folder / "m.yaml"
    path.write_text(f"batch_id: b\nlayout: {{packages: pkgs/, public: web/assets/}}\nassets:\n{ASSET}")
    assert load_manifest(path).layout.public == "web/assets/"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("'{width:d}.png'", "'{width:d}.png' has the field {width:d}; write fields as plain {name}"),
        ("'{slug!r}.png'", "'{slug!r}.png' has the field {slug!r}; write fields as plain {name}"),
        ("'{slug.upper}.png'", "'{slug.upper}.png' has the field {slug.upper}; write fields as plain {name}"),
        ("'{}.png'", "'{}.png' has the field {}; write fields as plain {name}"),
        ("'../{slug}.png'", "'../{slug}.png' is not allowed here; a file name ending in .png, without '/'"),
    ],
)
def test_naming_patterns(folder: Path, pattern: str, expected: str) -> None:
    assert problems(folder, f"batch_id: b\nnaming: {{icons: {pattern}}}\nassets:\n{ASSET}") == [f":2: naming.icons: {expected}"]


def test_naming_pattern_with_a_field_nobody_fills(folder: Path) -> None:
    text = "batch_id: b\nnaming: {'*': '{slug}-{colour}.png'}\nassets:\n" + ASSET
    assert problems(folder, text) == [
        ":4: assets[0]: naming pattern '{slug}-{colour}.png' uses {colour}, which this asset has no value for; "
        "add specs.colour or change the pattern"
    ]


def test_ids_names_and_categories_cannot_carry_paths(folder: Path) -> None:
    text = (
        "batch_id: ../b\nassets:\n"
        "  - {asset_id: ../A, path: a.png, score: 95}\n"
        "  - {asset_id: .git, path: a.png, score: 95, category: ../icons}\n"
        "  - {asset_id: A-3, path: a.png, score: 95, category: .git}\n"
    )
    assert problems(folder, text) == [
        ":1: batch_id: '../b' is not allowed here; use letters, digits, '.', '-' and '_' (no '/' or spaces)",
        ":3: assets[0].asset_id: '../A' is not allowed here; use letters, digits, '-' and '_' (no '/', '.', spaces)",
        ":4: assets[1].asset_id: '.git' is not allowed here; use letters, digits, '-' and '_' (no '/', '.', spaces)",
        ":4: assets[1].category: '../icons' is not allowed here; use lower-case letters, digits and '-'",
        ":5: assets[2].category: '.git' is not allowed here; use lower-case letters, digits and '-'",
    ]


def test_names_become_ascii_kebab_case_slugs(folder: Path) -> None:
    path = folder / "m.yaml"
    path.write_text(
        "batch_id: b\nassets:\n"
        "  - {asset_id: A-1, path: a.png, score: 95, name: '  Velvet   CURTAIN  '}\n"
        "  - {asset_id: A-2, path: a.png, score: 95, name: Théâtre Masks_v2}\n"
        "  - {asset_id: A-3, path: a.png, score: 95, name: ../../etc/passwd}\n"
        "  - {asset_id: A-4, path: a.png, score: 95, name: .git}\n"
    )
    assert [asset.slug for asset in load_manifest(path).assets] == ["velvet-curtain", "theatre-masks-v2", "etc-passwd", "git"]


def test_a_name_without_ascii_letters_has_no_slug(folder: Path) -> None:
    (folder / "東京.png").write_bytes((folder / "a.png").read_bytes())
    text = "batch_id: b\nassets:\n  - {asset_id: A-1, path: a.png, score: 95, name: 東京}\n  - {asset_id: A-2, path: 東京.png, score: 95}\n"
    assert problems(folder, text) == [
        ":3: assets[0].name: '東京' gives an empty slug (file names use ASCII letters and digits); set name: to text with Latin letters or digits",
        ":4: assets[1].path: '東京.png' gives an empty slug (file names use ASCII letters and digits); set name: to text with Latin letters or digits",
    ]


def test_sources_inside_git_and_templates(folder: Path) -> None:
    (folder / ".git").mkdir()
    (folder / ".git" / "a.png").write_bytes((folder / "a.png").read_bytes())
    text = "batch_id: b\ntemplates: /etc\nassets:\n  - {asset_id: A-1, path: .git/a.png, score: 95}\n"
    assert problems(folder, text) == [
        ":2: templates: '/etc' must be a folder relative to the manifest, outside .git",
        ":4: assets[0].path: '.git/a.png' is inside .git; point at the PNG in your work tree",
    ]
    assert problems(folder, f"batch_id: b\ntemplates: ../nowhere\nassets:\n{ASSET}") == [
        ":2: templates: ../nowhere: no such folder"
    ]
    assert problems(folder, f"batch_id: b\ntemplates: {'t' * 300}\nassets:\n{ASSET}") == [
        f":2: templates: {'t' * 300}: no such folder"
    ]


# --- colliding targets ----------------------------------------------------------------------


def test_case_only_and_unicode_twins_collide(folder: Path) -> None:
    text = (
        "batch_id: b\nassets:\n"
        "  - {asset_id: A-1, path: a.png, score: 95, name: Logo}\n"
        "  - {asset_id: A-2, path: b.png, score: 95, name: logo}\n"
        "  - {asset_id: A-3, path: a.png, score: 95, name: \"Caf\\u00e9\"}\n"
        "  - {asset_id: A-4, path: b.png, score: 95, name: \"Cafe\\u0301\"}\n"
    )
    assert problems(folder, text) == [
        ":4: assets[1].name: frontend/public/assets/specimens/logo-64.png is also a target of assets[0]; give one of them another name",
        ":6: assets[3].name: frontend/public/assets/specimens/cafe-64.png is also a target of assets[2]; give one of them another name",
    ]


def test_package_folders_collide_when_the_layout_drops_the_id(folder: Path) -> None:
    text = (
        "batch_id: b\nlayout: {package_dir: '{slug}'}\nassets:\n"
        "  - {asset_id: A-1, path: a.png, score: 95, name: Logo, category: icons}\n"
        "  - {asset_id: A-2, path: wide.png, score: 95, name: LOGO, category: motifs}\n"
    )
    assert problems(folder, text) == [
        ":5: assets[1].name: assets/logo is also a target of assets[0]; give one of them another name",
    ]


def test_same_name_with_different_sizes_does_not_collide(folder: Path) -> None:
    path = folder / "m.yaml"
    path.write_text(
        "batch_id: b\nassets:\n"
        "  - {asset_id: A-1, path: a.png, score: 95, name: Logo}\n"
        "  - {asset_id: A-2, path: wide.png, score: 95, name: Logo}\n"
        "  - {asset_id: A-3, path: a.png, score: 95, name: Logo, category: icons}\n"
    )
    assert [asset.slug for asset in load_manifest(path).assets] == ["logo", "logo", "logo"]


@pytest.mark.skipif(os.name == "nt", reason="symlinks")
def test_manifest_itself_may_be_reached_through_a_symlinked_folder(folder: Path, tmp_path_factory) -> None:
    link = tmp_path_factory.mktemp("elsewhere") / "batch"
    link.symlink_to(folder)
    (folder / "m.yaml").write_text(f"batch_id: b\nassets:\n{ASSET}")
    assert load_manifest(link / "m.yaml").assets[0].path.read_bytes() == (folder / "a.png").read_bytes()


def test_sources_whose_chunks_are_broken_fail_validation(folder: Path) -> None:
    from pngbytes import damage_idat

    good = (folder / "a.png").read_bytes()
    (folder / "cut.png").write_bytes(good[: len(good) - 20])
    (folder / "crc.png").write_bytes(damage_idat(good, fix_crc=False))
    (folder / "pixels.png").write_bytes(damage_idat(good, fix_crc=True))  # only decoding notices: apply fails it
    rows = "".join(f"  - {{asset_id: A-{i}, path: {name}.png, score: 95}}\n" for i, name in enumerate(["cut", "crc", "pixels"]))
    assert problems(folder, "batch_id: b\nassets:\n" + rows) == [
        ":3: assets[0].path: cut.png: image data is truncated (chunk IDAT runs past the end); re-export the file",
        ":4: assets[1].path: crc.png: chunk IDAT fails its CRC check (the file is corrupt); re-export it",
    ]
