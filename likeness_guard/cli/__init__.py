"""The `likeness-guard` command: argparse subcommands over the core's services.

Each subcommand lives in its own module with `register(subparsers)`, which adds its parser
and sets `func(args) -> int`. `likeness_guard.main` parses and, with no subcommand, opens
the window instead.
"""

import argparse
import contextlib
import os
import sys

from likeness_guard import APP_NAME, __version__
from likeness_guard.cli.translated_parser import TranslatedParser, examples
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.services.protection import PassphraseNeeded, WrongPassphrase
from likeness_guard.locale import _

# A protected data folder without the right passphrase (cli/passphrase.py).
LOCKED_EXIT = 3


def build_parser() -> argparse.ArgumentParser:
    """Return the parser with every subcommand registered."""
    # Imported here so that each command module can import this package's helpers.
    from likeness_guard.cli import (
        case_cmd,
        collection_cmd,
        enroll_cmd,
        export_cmd,
        hash_list_cmd,
        inspect_cmd,
        models_cmd,
        notice_cmd,
        profiles_cmd,
        protect_cmd,
        recheck_cmd,
        rematch_cmd,
        report_cmd,
        review_cmd,
        scan_cmd,
        scans_cmd,
        watch_cmd,
    )

    parser = TranslatedParser(
        prog="likeness-guard",
        description=_(
            "{app}: find your face in folders and web pages, on your own computer. "
            "Nothing you enroll or scan leaves this machine. Run without a command to "
            "open the desktop window."
        ).format(app=APP_NAME),
        epilog=examples("likeness-guard enroll me1.jpg me2.jpg && likeness-guard scan ~/Downloads"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__}",
        help=_("show the version number and exit"),
    )
    add_global_options(parser)
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=_(
            "check that this copy works (models, face detection, window) without touching "
            "your data; prints one line and exits 0 when it does"
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (
        enroll_cmd,
        scan_cmd,
        review_cmd,
        report_cmd,
        export_cmd,
        notice_cmd,
        hash_list_cmd,
        recheck_cmd,
        rematch_cmd,
        inspect_cmd,
        profiles_cmd,
        scans_cmd,
        protect_cmd,
        models_cmd,
        watch_cmd,
        case_cmd,
        collection_cmd,
    ):
        module.register(subparsers)
    return parser


def add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help=_(
            "where profiles and scans are kept (default: {variable} or the platform's user "
            "data folder)"
        ).format(variable="$LIKENESS_GUARD_HOME"),
    )
    parser.add_argument(
        "--models",
        metavar="DIR",
        help=_("an insightface model pack folder to use instead of the bundled buffalo_s pair"),
    )
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        help=_(
            "for a data folder protected with 'protect': a file holding its passphrase "
            "(without it, the passphrase is asked on a terminal)"
        ),
    )
    parser.add_argument(
        "--language",
        metavar="CODE",
        help=_(
            "the language to speak, e.g. {codes} (default: the system's, or the one chosen "
            "in the window's Settings)"
        ).format(codes="ko, es, pt_BR, ar"),
    )
    parser.add_argument(
        "--case",
        metavar="NAME",
        help=_(
            "work on this case of the workspace (--data-dir) instead of its own first case "
            "(default: {variable})"
        ).format(variable="$LIKENESS_GUARD_CASE"),
    )
    parser.add_argument(
        "--caseworker",
        metavar="NAME",
        help=_(
            "who is doing the work, for the case's audit log (default: {variable}, else "
            "nobody named)"
        ).format(variable="$LIKENESS_GUARD_CASEWORKER"),
    )
    parser.add_argument("-v", "--verbose", action="store_true", help=_("log more detail"))


def use_case(args: argparse.Namespace) -> None:
    """Apply --caseworker, and --case (or $LIKENESS_GUARD_CASE): from here on `data_dir`
    names that case's data folder, so that every command works on it. `case` commands
    keep the workspace. Raises UnknownCase (a UserFacingError) for a case not there."""
    from likeness_guard.core.services.audit import set_caseworker
    from likeness_guard.core.services.cases import ENV_CASE, case_folder, workspace_of
    from likeness_guard.core.services.folder import data_folder

    set_caseworker(getattr(args, "caseworker", None))  # None: $LIKENESS_GUARD_CASEWORKER
    name = getattr(args, "case", None) or os.environ.get(ENV_CASE)
    if name and getattr(args, "command", None) != "case":
        workspace = workspace_of(data_folder(args.data_dir))
        args.data_dir = str(case_folder(workspace, name))


# The exit code of a command whose reader went away (`| head`), as if killed by SIGPIPE.
BROKEN_PIPE_EXIT = 141


def run_command(args: argparse.Namespace) -> int:
    """Run the parsed subcommand; return the process exit code."""
    for stream in (sys.stdout, sys.stderr):
        # A name that is not valid UTF-8 is printed escaped, never a UnicodeEncodeError.
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    try:
        use_case(args)
        result: int = args.func(args)
        return result
    except BrokenPipeError:
        _quiet_stdout()
        return BROKEN_PIPE_EXIT
    except (PassphraseNeeded, WrongPassphrase) as exc:
        print(f"likeness-guard: {exc}", file=sys.stderr)
        return LOCKED_EXIT
    except UserFacingError as exc:
        print(f"likeness-guard: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(_("{prog}: stopped.").format(prog="likeness-guard"), file=sys.stderr)
        return 130


def _quiet_stdout() -> None:
    """Point standard output at the null device, so that the interpreter's last flush does
    not print a BrokenPipeError traceback after the reader (`head`) went away."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
