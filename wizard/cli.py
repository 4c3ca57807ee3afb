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

from wizard.config import ConfigError
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


def _add_repo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("repo", nargs="?", default=".", help="repository (default: current directory)")
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
    return parser


COMMANDS = ("scan",)


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
    except (UsageError, RepoError, ConfigError) as exc:
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
