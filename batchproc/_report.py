"""What a run did, as a value: per-asset and per-stage times, files, the commit."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
from typing import Any, Literal


@dataclass(frozen=True)
class AssetReport:
    """One asset's outcome: where its files went and how long each stage took."""

    asset_id: str
    name: str
    category: str
    package_dir: str
    public_path: str
    files: tuple[str, ...]
    timings: dict[str, float]
    background: str | None
    palette: tuple[str, ...]

    @property
    def seconds(self) -> float:
        """Time this asset took, all stages together."""
        return sum(self.timings.values())


@dataclass(frozen=True)
class BatchReport:
    """The final report of a run; ``batchproc_report`` hooks receive it."""

    manifest: str
    batch_id: str
    status: Literal["committed", "no changes", "dry run"]
    commit: str | None
    message: str
    wall_seconds: float
    commit_seconds: float
    assets: tuple[AssetReport, ...]
    changes: dict[str, str] = field(default_factory=dict)
    """Each file's status against the target before the commit: ``add``, ``change`` or ``same``."""

    @property
    def files(self) -> tuple[str, ...]:
        """Every file of the batch, sorted."""
        return tuple(sorted(path for asset in self.assets for path in asset.files))

    @property
    def directories(self) -> tuple[str, ...]:
        """The distinct folders those files sit in."""
        return tuple(sorted({str(PurePosixPath(path).parent) for path in self.files}))

    @property
    def serial_seconds(self) -> float:
        """The sum of per-asset times: what the batch would take one asset after another."""
        return sum(asset.seconds for asset in self.assets)

    @property
    def speedup(self) -> float:
        """Serial sum over wall time: what running the assets concurrently bought."""
        return self.serial_seconds / self.wall_seconds if self.wall_seconds > 0 else 1.0

    def lines(self) -> list[str]:
        """The report as plain lines, as a terminal or CI log shows it."""
        count = len(self.assets)
        noun = "asset" if count == 1 else "assets"
        processed = f"Processed: {count} {noun} in {self.wall_seconds:.2f} s"
        if count > 1:  # a speed-up only means something when assets ran side by side
            processed += f" (serial sum {self.serial_seconds:.2f} s, {self.speedup:.1f}x)"
        lines = [processed]
        for asset in self.assets:
            stages = ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in asset.timings.items())
            lines.append(f"  {asset.asset_id}  {asset.public_path}  ({stages})")
        files, folders = len(self.files), len(self.directories)
        counts = {status: list(self.changes.values()).count(status) for status in ("add", "change", "same")}
        if self.status == "committed" and (counts["change"] or counts["same"]):
            lines.append(
                f"Wrote: {files} files across {folders} directories "
                f"({counts['add']} added, {counts['change']} changed, {counts['same']} unchanged)"
            )
        elif self.status == "committed":
            lines.append(f"Created: {files} files across {folders} directories")
        removed = sorted(path for path, status in self.changes.items() if status == "remove")
        if removed and self.status == "committed":
            noun = "file" if len(removed) == 1 else "files"
            lines.append(
                f"Removed: {len(removed)} {noun} shipped earlier under another name or size: {', '.join(removed)}"
            )
        if self.status == "committed":
            lines.append(f"Committed: 1 consolidated commit {self.commit}")
            lines.append(f"  {self.message.splitlines()[0]}")
        elif self.status == "no changes":
            lines.append(f"Checked: {files} files across {folders} directories")
            lines.append("No changes: the repository already holds this batch; no commit made")
        else:
            lines.append(f"Rendered: {files} files across {folders} directories (dry run, nothing written)")
        return lines

    def to_json(self) -> dict[str, Any]:
        """The same report for ``--json``."""
        data = asdict(self)
        data.update(
            files=list(self.files),
            directories=list(self.directories),
            serial_seconds=round(self.serial_seconds, 4),
            speedup=round(self.speedup, 2),
            wall_seconds=round(self.wall_seconds, 4),
        )
        for asset, report in zip(data["assets"], self.assets, strict=True):
            asset["seconds"] = round(report.seconds, 4)
            asset["timings"] = {stage: round(seconds, 4) for stage, seconds in report.timings.items()}
        return data
