"""Command line: `release-gate [REPO]` opens the wizard; subcommands run headless.

Each command imports what it needs when it runs: Textual only for the commands that open the
TUI, so `scan`, `gates`, `decide`, `verify` and `check` stay fast and importable in CI without a
terminal; and nothing of the core before the wizard has started its scan's process.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from wizard.text import printable

Handler = Callable[[argparse.Namespace], int]


class UsageError(Exception):
    """Bad command-line input (exit 2)."""


def _say(text: str, error: bool = False) -> None:
    """One line to the terminal; record and repository text never carries control sequences."""
    print(printable(text, single_line=True), file=sys.stderr if error else sys.stdout)


def _json_dump(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _cmd_scan(args: argparse.Namespace) -> int:
    from wizard.report import scan_report
    from wizard.scan.repository import scan_repository

    result = scan_repository(args.repo, artifact=args.artifact)
    if args.json:
        _json_dump(result.to_json())
    else:
        sys.stdout.write(scan_report(result))
    return 0


def _cmd_gates(args: argparse.Namespace) -> int:
    from wizard.gates.render import evaluation_json, markdown_report, text_report

    result, _, _, evaluations = _evaluate(args)
    if args.json:
        _json_dump(evaluation_json(result, evaluations))
    elif args.format == "markdown":
        sys.stdout.write(markdown_report(result, evaluations))
    else:
        sys.stdout.write(text_report(result, evaluations))
    return 0


def _evaluate(args: argparse.Namespace) -> tuple[Any, Any, Any, list[Any]]:
    from wizard.config import Config
    from wizard.gates.engine import evaluate, load_spec
    from wizard.gates.model import CANDIDATES
    from wizard.scan.repository import scan_repository

    result = scan_repository(args.repo, artifact=args.artifact)
    config = result.config or Config()
    spec = load_spec(config)
    candidates = (args.candidate,) if args.candidate else CANDIDATES
    return result, config, spec, evaluate(result, config, spec, candidates)


def _cmd_decide(args: argparse.Namespace) -> int:
    from pathlib import Path

    from wizard.record.answers import git_identity, load_answers, validate_signoffs
    from wizard.record.write import DecisionRequest, write_decision

    answers_path = Path(args.answers)
    result, config, spec, evaluations = _evaluate(args)
    answers = load_answers(answers_path, git_identity(Path(result.repo.root)))
    validate_signoffs(answers.signoffs, evaluations[0], str(answers_path))
    written = write_decision(
        DecisionRequest(
            scan=result,
            config=config,
            spec=spec,
            evaluation=evaluations[0],
            decision=args.decision,
            signoffs=answers.signoffs,
            decision_makers=answers.decision_makers,
            supersedes=args.supersedes,
        ),
        sign=args.sign,
        commit=args.commit,
    )
    root = Path(result.repo.root)
    print(f"wrote {written.record_id}: {written.markdown.relative_to(root)}")
    print(
        f"      attestation {written.envelope.relative_to(root)}"
        f"{' (signed)' if written.signed else ' (unsigned: run release-gate sign)'}"
    )
    if written.commit:
        print(f"      committed as {written.commit[:12]}")
    return 0


def _cmd_sign(args: argparse.Namespace) -> int:
    from pathlib import Path

    from wizard.record.sign import sign_record

    count = sign_record(Path(args.record))
    print(f"signed {args.record}: {count} signature(s)")
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from pathlib import Path

    from wizard.record.verify import verify_record

    signers = Path(args.allowed_signers) if args.allowed_signers else None
    outcome = verify_record(Path(args.record), allowed_signers=signers)
    if args.json:
        _json_dump(
            {
                "record": str(outcome.envelope),
                "valid": outcome.ok,
                "failure": outcome.failure,
                "signers": [
                    {"principal": s.principal, "fingerprint": s.fingerprint, "format": s.format}
                    for s in outcome.signers
                ],
                "evidence": [
                    {"path": e.path, "line": e.line, "state": e.state, "now_line": e.now_line}
                    for e in outcome.evidence
                ],
            }
        )
    elif outcome.ok:
        who = ", ".join(f"{s.principal} ({s.format} {s.fingerprint})" for s in outcome.signers)
        _say(f"valid: {args.record} signed by {who}")
        for item in outcome.drift:
            _say(f"  drift: {item.describe()}")
    if not outcome.ok:
        _say(f"release-gate: {args.record}: {outcome.failure}", error=True)
        return 1
    return 0


def _open_wizard(repo: str, artifact: str | None) -> int:
    # The scan starts in its own process before Textual is imported, so the two overlap.
    from screens.scan_process import ScanProcess

    scan = ScanProcess(repo, artifact)
    try:
        from screens.app import run_wizard

        return run_wizard(repo, artifact, scan)
    finally:  # the app may have ended (or never started) before it used the scan
        scan.cancel()


def _cmd_tui(args: argparse.Namespace) -> int:
    return _open_wizard(args.repo, args.artifact)


def _cmd_demo(args: argparse.Namespace) -> int:
    import tempfile
    from pathlib import Path

    from wizard.sample import build_seed_repo

    target = Path(args.path) if args.path else Path(tempfile.mkdtemp(prefix="release-gate-demo-"))
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(f"{target} is not an empty directory; give an empty or new one")
    build_seed_repo(target)
    print(f"demo repository: {target}", file=sys.stderr)
    if args.no_tui:
        return 0
    return _open_wizard(str(target), None)


def _cmd_check(args: argparse.Namespace) -> int:
    from pathlib import Path

    from wizard.check import run_check
    from wizard.check.output import github_lines, json_report, text_lines

    signers = Path(args.allowed_signers) if args.allowed_signers else None
    result = run_check(
        args.repo, artifact=args.artifact, allowed_signers=signers, base_ref=args.base_ref
    )
    failed = result.failed(args.strict)
    if args.json:
        _json_dump(json_report(result, failed))
    elif args.format == "github":
        sys.stdout.write("".join(line + "\n" for line in github_lines(result, failed)))
    else:
        sys.stdout.write("".join(line + "\n" for line in text_lines(result, failed)))
    return 1 if failed else 0


def _add_repo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "repo", nargs="?", default=".", help="repository (default: current directory)"
    )
    parser.add_argument("--artifact", help="artifact under review (overrides .release-gate.yaml)")


def build_parser() -> argparse.ArgumentParser:
    from wizard.gates.model import CANDIDATES

    parser = argparse.ArgumentParser(
        prog="release-gate",
        description="Review the six gates of a release-authority change and record the decision.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo", help="build a sample repository in the seed's state and open the wizard on it"
    )
    demo.add_argument("path", nargs="?", help="where to build it (default: a new temp directory)")
    demo.add_argument("--no-tui", action="store_true", help="only build the repository")
    demo.set_defaults(handler=_cmd_demo)

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

    decide = commands.add_parser("decide", help="write a decision record without the TUI")
    _add_repo(decide)
    decide.add_argument("--candidate", choices=CANDIDATES, required=True)
    decide.add_argument("--decision", choices=("keep", "change"), required=True)
    decide.add_argument("--answers", required=True, metavar="FILE", help="YAML sign-offs")
    decide.add_argument("--sign", action="store_true", help="sign with git's signing key")
    decide.add_argument("--commit", action="store_true", help="commit the record (signed)")
    decide.add_argument(
        "--supersedes",
        action="append",
        metavar="RA-NNNN",
        help="records this one replaces (default: the newest for the artifact)",
    )
    decide.set_defaults(handler=_cmd_decide)

    sign = commands.add_parser("sign", help="add your signature to an existing record")
    sign.add_argument("record", help="the record's .intoto.json (or .md)")
    sign.set_defaults(handler=_cmd_sign)

    verify = commands.add_parser("verify", help="verify a record's signature and evidence")
    verify.add_argument("record", help="the record's .intoto.json")
    verify.add_argument(
        "--allowed-signers", metavar="FILE", help="trusted SSH keys (default: the repository's)"
    )
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=_cmd_verify)

    check = commands.add_parser(
        "check",
        help="CI: fail when the release surface is not the one the newest valid record authorises",
    )
    _add_repo(check)
    check.add_argument("--allowed-signers", metavar="FILE", help="trusted SSH keys")
    check.add_argument(
        "--base-ref",
        metavar="REF",
        help="read signers and record policy from this ref (e.g. origin/main)",
    )
    check.add_argument("--strict", action="store_true", help="fail on evidence drift warnings")
    check.add_argument("--format", choices=("text", "github"), default="text")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=_cmd_check)
    return parser


COMMANDS = ("demo", "scan", "gates", "decide", "sign", "verify", "check")


def _tui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="release-gate",
        description="Open the review wizard on REPO. Commands: "
        + ", ".join(COMMANDS)
        + " (see release-gate COMMAND --help).",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    _add_repo(parser)
    parser.set_defaults(handler=_cmd_tui)
    return parser


def _exit_code(exc: Exception) -> int | None:
    """2 for input the run cannot go on with, 1 for a refused or failed decision; None for a bug.

    Imported here, once a command has failed, so that starting a command loads none of them."""
    from wizard.config import ConfigError
    from wizard.gates.spec import SpecError
    from wizard.record.errors import AnswersError, CommitError, DecisionRefused, RecordUnusable
    from wizard.repo import RepoError
    from wizard.signing.errors import SigningError

    if isinstance(
        exc, UsageError | RepoError | ConfigError | SpecError | AnswersError | RecordUnusable
    ):
        return 2
    if isinstance(exc, DecisionRefused | CommitError | SigningError):
        return 1
    return None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    positional = [a for a in arguments if not a.startswith("-")]
    wants_tui = not positional or positional[0] not in COMMANDS
    if wants_tui and any(a in ("-h", "--help") for a in arguments) and not positional:
        build_parser().print_help()
        return 0
    parser = _tui_parser() if wants_tui else build_parser()
    debug = "--debug" in arguments
    try:
        args = parser.parse_args(arguments)
        handler: Handler | None = getattr(args, "handler", None)
        if handler is None:
            parser.print_help()
            return 2
        return handler(args)
    except BrokenPipeError:
        return 0
    except Exception as exc:
        code = _exit_code(exc)
        if code is None:
            raise
        if debug:
            traceback.print_exc()
        _say(f"release-gate: {exc}", error=True)
        return code
    except KeyboardInterrupt:
        print("release-gate: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
