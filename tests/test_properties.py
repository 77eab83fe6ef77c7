"""Property: whatever the manifest and whatever the PNG bytes, validate and apply exit 0, 1 or 2,
print no traceback, write nothing outside the batch's targets, and write nothing at all on failure.

Manifests are generated line by line from tricky plain YAML tokens (``no``, ``1:30``, ``.nan``,
``<<``, ``*a``, ``!!int``, tabs …), quoted random text and unsafe paths, then sometimes mutated
byte by byte; the PNG is a real one with random bytes changed, inserted or cut off. Each example
runs in-process through ``batchproc._cli.main`` against a fresh copy of a real git repository.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from batchproc._cli import main
from conftest import git
from pngbytes import damage_idat
from repo_state import snapshot

RAW = ["no", "yes", "on", "1:30", "0777", "2024-01-01", ".nan", ".inf", "~", "", "null", "true", "1e999", "0x5F",
       "*a", "&a x", "<<", "!!int 3", "!!str 95", "[", "{a: 1}", "'x", "- x", "? x", "a: b", "\t", "#", "%", "@x"]
PATHS = ["good.png", "good.png", "mutated.png", "mutated.png", "missing.png", "sub", "link.png", "../manifests/good.png",
         "/etc/hostname", ".git/HEAD", "good2.png", '"a\\u0000.png"', "x" * 300]
SCORES = ["95", "90", "100", "92.5", "89.9", "101", "-1", "'95'", "9e1", "0o137", "0x5F"]
IDS = ["A-1", "A-2", "ASSET-3", "a-1", "0042", "../x", ".git", "A 1"]
CATEGORIES = ["patterns", "wallpapers", "specimens", "motifs", "icons", "no", "Logo", "../x", ".git", "my-cat"]
NAMES = ["Logo", "logo", "Caf\u00e9", "Cafe\u0301", "Velvet Curtain", "東京", "../../etc", ".git", "a/b", "  "]
LAYOUTS = ["{packages: ../out}", "{public: /tmp/x}", "{public: web/.git}", "{package_dir: '{slug}'}",
           "{package_dir: '{width:d}'}", "{packages: 'a//b'}", "{public: web/}", "{packages: pkgs}"]
NAMING = ["{'*': '{slug}.png'}", "{icons: '{}.png'}", "{'*': '{slug}-{colour}.png'}", "{Patterns: x.png}",
          "{'*': 'logo.png'}", "{'*': '../{slug}.png'}"]


GOOD_NAMES = ["Logo", "Velvet Curtain", "Caf\u00e9", "Dusk 2"]


def value(options: list[str], broken: bool) -> st.SearchStrategy[str]:
    """A token from ``options``; when ``broken``, also any RAW token or any text, JSON-quoted."""
    if not broken:
        return st.sampled_from(options)
    return st.one_of(st.sampled_from(options), st.sampled_from(RAW), st.text(max_size=12).map(json.dumps))


@st.composite
def manifests(draw: st.DrawFn) -> str:
    """Half the time a manifest that should apply (maybe with a damaged PNG), else anything."""
    broken = draw(st.booleans())
    lines = [f"batch_id: {draw(st.just('batch-1') | value(IDS, broken)) if broken else 'batch-1'}"]
    if draw(st.booleans()):
        lines.append(f"title: {draw(value(NAMES if broken else GOOD_NAMES, broken))}")
    if broken and draw(st.booleans()):
        lines.append(f"layout: {draw(st.sampled_from(LAYOUTS))}")
    if broken and draw(st.integers(0, 4)) == 0:
        lines.append(f"naming: {draw(st.sampled_from(NAMING))}")
    if broken and draw(st.integers(0, 4)) == 0:
        lines.append(f"limits: {{min_score: {draw(st.sampled_from(SCORES))}, max_assets: {draw(st.integers(0, 7))}}}")
    lines.append("assets:")
    for index in range(draw(st.integers(0 if broken else 1, 6 if broken else 3))):
        fields = {
            "asset_id": draw(st.just(f"A-{index}") | value(IDS, broken)) if broken else f"A-{index}",
            "path": draw(value(PATHS if broken else ["good.png", "good2.png", "mutated.png"], broken)),
            "score": draw(value(SCORES if broken else ["95", "90", "100", "92.5", "9e1"], broken)),
        }
        if draw(st.booleans()):
            fields["name"] = draw(value(NAMES if broken else GOOD_NAMES, broken))
        if draw(st.booleans()):
            fields["category"] = draw(value(CATEGORIES if broken else CATEGORIES[:5], broken))
        if not broken and draw(st.booleans()):
            fields["specs"] = "{mode: dark, purpose: hero, size: 16, style: flat}"
        for key in draw(st.lists(st.sampled_from([*fields, "asets", "specs"]), max_size=2)) if broken else ():
            fields.pop(key, None) if key in fields and draw(st.booleans()) else fields.setdefault(key, "{mode: dark}")
        lines += [f"  {'- ' if not n else '  '}{key}: {text}" for n, (key, text) in enumerate(fields.items())]
    text = "\n".join(lines) + "\n"
    for _ in range(draw(st.integers(0, 2)) if broken and draw(st.integers(0, 3)) == 0 else 0):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["\t", ":", "-", "\n", "  ", "'", "&a ", "*a", "\x00", "é"])) + text[at:]
    return text


@st.composite
def mutated_png(draw: st.DrawFn, original: bytes) -> bytes:
    data = bytearray(original)
    choice = draw(st.integers(0, 5))
    if choice < 2:
        return original
    if choice == 2:  # chunks intact, pixels broken: only decoding (apply) notices
        return damage_idat(original, fix_crc=True)
    start = draw(st.sampled_from([0, 33]))  # 33: keep the header, damage the image data
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(min(start, len(data) - 1), max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["set", "insert", "delete"]))
        if action == "set" and data:
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif data:
            del data[at : at + draw(st.integers(1, 16))]
    if draw(st.integers(0, 4)) == 0:
        data = data[: draw(st.integers(start, len(data)))]
    return bytes(data)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A committed repository with real PNGs, copied afresh for every example."""
    from PIL import Image

    repo = tmp_path_factory.mktemp("template") / "frontend"
    (repo / "manifests" / "sub").mkdir(parents=True)
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "config", "user.name", "Dee Signer")
    git(repo, "config", "user.email", "dee@example.com")
    image = Image.new("RGB", (16, 16), "#1a0f1f")
    image.paste((200, 170, 60), (4, 4, 12, 12))
    image.save(repo / "manifests" / "good.png")
    Image.new("RGBA", (16, 16), (255, 255, 255, 0)).save(repo / "manifests" / "good2.png")
    (repo / "manifests" / "link.png").symlink_to("good.png")
    (repo / "manifests" / "sub" / "keep.txt").write_text("keep\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "start")
    return repo


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_validate_and_apply_never_crash_and_never_write_on_failure(
    data: st.DataObject, template: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path_factory.mktemp("example") / "frontend"
    shutil.copytree(template, repo, symlinks=True)
    manifest = repo / "manifests" / "batch.yaml"
    manifest.write_bytes(data.draw(manifests(), label="manifest").encode("utf-8", "surrogatepass"))
    good = (repo / "manifests" / "good.png").read_bytes()
    (repo / "manifests" / "mutated.png").write_bytes(data.draw(mutated_png(good), label="png"))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "inputs")

    before = snapshot(repo)
    code = main(["validate", str(manifest)])
    out, err = capsys.readouterr()
    assert code in (0, 2) and err == "", err
    assert snapshot(repo) == before

    code = main(["apply", str(manifest), "--json"])
    out, err = capsys.readouterr()
    after = snapshot(repo)
    event(f"apply exit {code}")  # --hypothesis-show-statistics shows the mix of outcomes
    assert code in (0, 1, 2)
    assert "Traceback" not in err and "This is a bug" not in err, err
    assert all(line.startswith("error: ") for line in err.splitlines()), err
    if code != 0:
        assert after == before, f"wrote {sorted(after.written_since(before))} and exited {code}"
        return
    report = json.loads(out)
    targets = {path for asset in report["assets"] for path in asset["files"]}
    written = {path for path in after.written_since(before) if not path.startswith(".git/")}
    assert written <= targets, f"wrote outside the targets: {sorted(written - targets)}"
    assert after.status == before.status  # committed: the work tree is clean for every target
