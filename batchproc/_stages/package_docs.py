"""Built-in stage: ``context.md`` and ``usage.md`` from jinja2 templates.

The only module that imports jinja2. A manifest's ``templates:`` folder overrides the built-in
templates file by file. The environment is strict: a misspelt variable is an error naming the
template and line, never an empty string in a shipped document.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Sequence
from pathlib import Path
from typing import Any

import jinja2

from batchproc._context import RunContext
from batchproc._guidance import advise
from batchproc._resources import data_dir
from batchproc.errors import InputError
from batchproc.hookspecs import hookimpl
from batchproc.models import IDF, Asset, Manifest, OutputFile

DOCUMENTS = {"context.md": "context.md.j2", "usage.md": "usage.md.j2"}


@hookimpl
def batchproc_render_files(
    asset: Asset, idf: IDF, manifest: Manifest, package_dir: str, public_path: str, run: RunContext
) -> Awaitable[Sequence[OutputFile]]:
    # Rendering is CPU work: a worker thread keeps the other assets moving.
    return run.to_thread(render_documents, asset, idf, manifest, package_dir, public_path)


def render_documents(asset: Asset, idf: IDF, manifest: Manifest, package_dir: str, public_path: str) -> list[OutputFile]:
    """``context.md`` and ``usage.md`` for one asset."""
    environment = make_environment(manifest.templates)
    values = template_values(asset, idf, manifest, package_dir, public_path)
    return [
        OutputFile(
            path=f"{package_dir}/{filename}",
            data=_render(environment, template, values, manifest, asset).encode("utf-8"),
            asset_id=asset.asset_id,
            kind=filename.split(".")[0],
        )
        for filename, template in DOCUMENTS.items()
    ]


@functools.lru_cache(maxsize=8)
def make_environment(user_templates: Path | None) -> jinja2.Environment:
    """The one jinja2 environment factory: user templates first, then the built-ins.

    Cached, so a batch compiles each template once, not once per asset (compiling is most of
    the rendering time); jinja2 environments are safe to render from several threads.
    jinja2 notices an edited template file by its modification time, so the cache never serves
    a stale one.
    """
    folders = [str(user_templates)] if user_templates else []
    folders.append(str(data_dir("templates")))
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # Markdown, not HTML
    )


def template_values(asset: Asset, idf: IDF, manifest: Manifest, package_dir: str, public_path: str) -> dict[str, Any]:
    """Everything a template may use; documented in docs/manifest.md."""
    return {
        "asset": asset,
        "specs": asset.specs,
        "idf": idf,
        "manifest": manifest,
        "package_dir": package_dir,
        "public_path": public_path,
        "public_file": public_path.rsplit("/", 1)[-1],
        "guidance": advise(asset, idf, public_path),
        "css_name": f"asset-{asset.slug}",
    }


def _render(environment: jinja2.Environment, name: str, values: dict[str, Any], manifest: Manifest, asset: Asset) -> str:
    try:
        return environment.get_template(name).render(values)
    except jinja2.TemplateSyntaxError as error:
        raise InputError(f"template error: {error.message}", file=error.filename or name, line=error.lineno) from None
    except jinja2.UndefinedError as error:
        template = environment.get_template(name)
        line = _template_line(error)
        raise InputError(
            f"template error: {error.message}", file=template.filename or name, line=line, where=asset.asset_id
        ) from None


def _template_line(error: BaseException) -> int | None:
    """The template line jinja2 records in the traceback of a render error."""
    traceback = error.__traceback__
    line = None
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename.endswith(".j2"):
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line
