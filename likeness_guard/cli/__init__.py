"""The `likeness-guard` command: argparse subcommands over the core.

Each subcommand lives in its own module with `register(subparsers)`, which adds its parser
and sets `func(args) -> int`. With no subcommand, the desktop window opens.
"""

import argparse
import logging
import sys
from collections.abc import Sequence

from likeness_guard import APP_NAME, __version__
from likeness_guard.core.domain.errors import UserFacingError

log = logging.getLogger("likeness_guard")


def build_parser() -> argparse.ArgumentParser:
    """Return the parser with every subcommand registered."""
    # Imported here so that each command module can import this package's helpers.
    from likeness_guard.cli import enroll_cmd, inspect_cmd, profiles_cmd, report_cmd, scan_cmd

    parser = argparse.ArgumentParser(
        prog="likeness-guard",
        description=(
            f"{APP_NAME}: find your face in folders and web pages, on your own computer. "
            "Nothing you enroll or scan leaves this machine. Run without a command to "
            "open the desktop window."
        ),
        epilog="Example: likeness-guard enroll me1.jpg me2.jpg && likeness-guard scan ~/Downloads",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_global_options(parser)
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check that this copy works (models, face detection, window) without touching "
        "your data; prints one line and exits 0 when it does",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (enroll_cmd, scan_cmd, report_cmd, inspect_cmd, profiles_cmd):
        module.register(subparsers)
    return parser


def add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where profiles and scans are kept (default: $LIKENESS_GUARD_HOME or the "
        "platform's user data folder)",
    )
    parser.add_argument(
        "--models",
        metavar="DIR",
        help="an insightface model pack folder to use instead of the bundled buffalo_s pair",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.self_test:
        from likeness_guard.selftest import run_self_test

        return run_self_test()
    if args.command is None:
        from likeness_guard.gui.app import run_app

        app_result: int = run_app(args)
        return app_result
    try:
        result: int = args.func(args)
        return result
    except UserFacingError as exc:
        print(f"likeness-guard: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("likeness-guard: stopped.", file=sys.stderr)
        return 130
