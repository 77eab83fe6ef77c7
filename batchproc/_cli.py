"""The command line: argument parsing, dispatch, and the one error handler.

Exit codes: 0 ok, 1 the batch failed, 2 bad input or usage, 130 interrupted. A
:class:`~batchproc.errors.BatchprocError` is shown as one line per problem; anything else is a
bug in batchproc and is shown with a traceback and the versions to quote in a bug report.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import traceback
from collections.abc import Callable, Sequence
from types import ModuleType

from batchproc import __version__
from batchproc.errors import BatchprocError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other bad input
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="batchproc", description="Ship a batch of design PNGs into a repository as one commit.")
    parser.add_argument("--version", action="version", version=f"batchproc {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, help=help_text, description=help_text)

    p = command("apply", "Extract, render and commit a batch (one commit, or nothing).")
    p.add_argument("manifests", nargs="*", metavar="manifest", help="batch manifests (YAML or JSON); one commit each")
    p.add_argument(
        "--changed-since",
        metavar="REF",
        help="apply only the manifests changed between REF and HEAD (default set: manifests/*.yaml|yml|json)",
    )
    p.add_argument("--repo", help="the target repository (default: the one holding the manifest)")
    p.add_argument("--branch", help="commit to this branch (needed when HEAD is detached)")
    p.add_argument("--force", action="store_true", help="overwrite target files that have local changes or that another asset shipped")
    p.add_argument("--no-cache", action="store_true", help="extract again even when a cached result exists")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress display")

    p = command("plan", "Show what apply would add, change or leave; writes nothing.")
    p.add_argument("manifest")
    p.add_argument("--repo", help="the target repository (default: the one holding the manifest)")
    p.add_argument("--branch", help="plan for this branch (needed when HEAD is detached)")
    p.add_argument("--force", action="store_true", help="plan as apply --force: local changes to targets do not stop it")
    p.add_argument("--json", action="store_true", help="print the plan as JSON")
    p.add_argument(
        "--detailed-exitcode", action="store_true", help="exit 0 for no changes, 2 for changes, 1 for any error"
    )

    p = command("validate", "Check manifests (schema and rules) without reading pixels.")
    p.add_argument("manifests", nargs="+", metavar="manifest")
    p.add_argument("--json", action="store_true", help="print the results as JSON")

    p = command("extract", "Print one image's design facts (IDF) as JSON.")
    p.add_argument("image")

    p = command("plugins", "List loaded plugins and the hooks each implements.")
    p.add_argument("--json", action="store_true", help="print the list as JSON")

    p = command("schema", "Print a JSON Schema (the manifest's by default).")
    p.add_argument("name", nargs="?", default="manifest", choices=("manifest", "idf"))

    p = command("init", "Write a starter manifest for a folder of PNGs.")
    p.add_argument("folder")
    p.add_argument("--output", "-o", help="where to write it (default: FOLDER/batch.yaml)")
    p.add_argument("--batch-id")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    return parser


def _command(name: str) -> ModuleType:
    """A command's module, imported when it runs: ``--help`` and a Ctrl-C at start-up stay cheap."""
    return importlib.import_module(f"batchproc._commands.{name}")


DISPATCH: dict[str, Callable[[argparse.Namespace], int]] = {
    "apply": lambda a: _command("apply").apply(
        a.manifests,
        changed_since=a.changed_since,
        repo=a.repo,
        json_output=a.json,
        quiet=a.quiet,
        force=a.force,
        branch=a.branch,
        use_cache=not a.no_cache,
    ),
    "plan": lambda a: _command("plan").plan(
        a.manifest, repo=a.repo, branch=a.branch, force=a.force, json_output=a.json, detailed_exitcode=a.detailed_exitcode
    ),
    "validate": lambda a: _command("validate").validate(a.manifests, json_output=a.json),
    "extract": lambda a: _command("extract").extract(a.image),
    "plugins": lambda a: _command("plugins").plugins(json_output=a.json),
    "schema": lambda a: _command("schema").schema(a.name),
    "init": lambda a: _command("init").init(a.folder, output=a.output, batch_id=a.batch_id, force=a.force),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code."""
    try:
        args = make_parser().parse_args(argv)
    except SystemExit as exit_:
        # With --detailed-exitcode, 2 means "changes"; a usage error must not look like that.
        if exit_.code == EXIT_USAGE and "--detailed-exitcode" in (sys.argv[1:] if argv is None else argv):
            return EXIT_FAILED
        raise
    wants_json = bool(getattr(args, "json", False))
    try:
        return DISPATCH[args.command](args)
    except BatchprocError as error:
        return _user_error([error], error.exit_code, wants_json)
    except BrokenPipeError:
        raise  # console_main treats a closed pipe as a normal end
    except KeyboardInterrupt as interrupt:  # the runner says what landed if the commit did
        return _interrupted(interrupt, wants_json)
    except BaseExceptionGroup as group:
        user_errors, rest = group.split(BatchprocError)
        if rest is None and user_errors is not None:
            return _user_error(_flatten(user_errors), EXIT_FAILED, wants_json)
        interrupts = rest.subgroup(KeyboardInterrupt) if rest is not None else None
        if interrupts is not None:
            return _interrupted(interrupts.exceptions[0], wants_json)
        return _bug()
    except Exception:
        return _bug()


def _interrupted(interrupt: BaseException, wants_json: bool) -> int:
    detail = interrupt.args[0] if interrupt.args and isinstance(interrupt.args[0], str) else "nothing was written"
    return _report_failure([f"interrupted: {detail}"], EXIT_INTERRUPTED, wants_json)


def _user_error(errors: list[BatchprocError], code: int, wants_json: bool) -> int:
    lines = [f"error: {line}" for error in errors for line in error.lines()]
    # A note says what did happen before the error (earlier manifests of one apply committed).
    lines += [f"note: {note}" for error in errors for note in getattr(error, "__notes__", ())]
    return _report_failure(lines, code, wants_json)


def _report_failure(lines: list[str], code: int, wants_json: bool) -> int:
    """One line per problem on stderr; with ``--json`` the same lines as JSON on stdout."""
    for line in lines:
        print(line, file=sys.stderr)
    if wants_json:
        print(json.dumps({"ok": False, "exit_code": code, "errors": [line.removeprefix("error: ") for line in lines]}, indent=2))
    return code


def _flatten(group: BaseExceptionGroup) -> list[BatchprocError]:
    found: list[BatchprocError] = []
    for error in group.exceptions:
        found.extend(_flatten(error) if isinstance(error, BaseExceptionGroup) else [error])  # type: ignore[list-item]
    return found


def _bug() -> int:
    traceback.print_exc()
    print(
        f"\nThis is a bug in batchproc {__version__} (Python {platform.python_version()}, {platform.platform()}); "
        "please report it with the traceback above.",
        file=sys.stderr,
    )
    return EXIT_FAILED


def console_main() -> None:
    """Entry point of the ``batchproc`` console script."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`batchproc plugins | head`): not an error worth a traceback.
        # Point stdout at devnull so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = EXIT_OK
    sys.exit(code)
