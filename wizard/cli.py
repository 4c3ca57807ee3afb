"""Command line: `release-gate [REPO]` opens the wizard; subcommands run headless.

Textual is imported lazily, only by the commands that open the TUI, so `scan`, `gates`, `decide`,
`verify` and `check` stay fast and importable in CI without a terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from wizard.config import Config, ConfigError
from wizard.gates.model import CANDIDATES
from wizard.gates.spec import SpecError
from wizard.repo import RepoError

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """Bad command-line input (exit 2)."""


def _json_dump(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _cmd_scan(args: argparse.Namespace) -> int:
    from wizard.report import scan_report
    from wizard.scan import scan_repository

    result = scan_repository(args.repo, artifact=args.artifact)
    if args.json:
        _json_dump(result.to_json())
    else:
        sys.stdout.write(scan_report(result))
    return 0


def _cmd_gates(args: argparse.Namespace) -> int:
    from wizard.gates import evaluate, load_spec
    from wizard.gates.render import evaluation_json, markdown_report, text_report
    from wizard.scan import scan_repository

    result = scan_repository(args.repo, artifact=args.artifact)
    config = result.config or Config()
    candidates = (args.candidate,) if args.candidate else CANDIDATES
    evaluations = evaluate(result, config, load_spec(config), candidates)
    if args.json:
        _json_dump(evaluation_json(result, evaluations))
    elif args.format == "markdown":
        sys.stdout.write(markdown_report(result, evaluations))
    else:
        sys.stdout.write(text_report(result, evaluations))
    return 0


def _add_repo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "repo", nargs="?", default=".", help="repository (default: current directory)"
    )
    parser.add_argument("--artifact", help="artifact under review (overrides .release-gate.yaml)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="release-gate",
        description="Review the six gates of a release-authority change and record the decision.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    scan = commands.add_parser("scan", help="detect the release facts of a repository")
    _add_repo(scan)
    scan.add_argument("--json", action="store_true", help="release-gate.facts/v1 JSON")
    scan.set_defaults(handler=_cmd_scan)

    gates = commands.add_parser("gates", help="evaluate the six gates for each candidate authority")
    _add_repo(gates)
    gates.add_argument("--candidate", choices=CANDIDATES, help="evaluate one candidate")
    gates.add_argument("--json", action="store_true", help="facts JSON plus `evaluation`")
    gates.add_argument("--format", choices=("text", "markdown"), default="text")
    gates.set_defaults(handler=_cmd_gates)
    return parser


COMMANDS = ("scan", "gates")


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    debug = "--debug" in arguments
    try:
        args = parser.parse_args(arguments)
        handler: Handler | None = getattr(args, "handler", None)
        if handler is None:
            parser.print_help()
            return 2
        return handler(args)
    except (UsageError, RepoError, ConfigError, SpecError) as exc:
        if debug:
            traceback.print_exc()
        print(f"release-gate: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("release-gate: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
