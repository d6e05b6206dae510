"""The program's entry points: a command runs in the terminal, no command opens the window.

This module sits above both the CLI and the window, so that neither imports the other.
"""

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from likeness_guard import APP_NAME
from likeness_guard.cli import add_global_options, build_parser, run_command
from likeness_guard.cli.translated_parser import TranslatedParser
from likeness_guard.core.services.folder import LaunchOptions


def main(argv: Sequence[str] | None = None) -> int:
    """`likeness-guard`: run a command, the self-test, or the window; returns the exit code."""
    _choose_language(sys.argv[1:] if argv is None else argv)  # the help text is translated too
    args = build_parser().parse_args(argv)
    _configure_logging(args)
    if args.self_test:
        from likeness_guard.selftest import run_self_test

        return run_self_test()
    if args.command is None:
        return _open_window(args)
    return run_command(args)


def gui_main(argv: Sequence[str] | None = None) -> int:
    """`likeness-guard-gui`: the window, with the same global options as the command line."""
    _choose_language(sys.argv[1:] if argv is None else argv)  # before the help is made
    parser = TranslatedParser(prog="likeness-guard-gui", description=APP_NAME)
    add_global_options(parser)
    args = parser.parse_args(argv)
    _configure_logging(args)
    return _open_window(args)


def _choose_language(argv: Sequence[str]) -> None:
    """--language, else $LIKENESS_GUARD_LANGUAGE, else the system's; the window may still
    use the one chosen in its Settings (when neither was given)."""
    from likeness_guard.locale import use_language

    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--language")
    known, _rest = early.parse_known_args(_global_part(argv))
    use_language(known.language or os.environ.get("LIKENESS_GUARD_LANGUAGE") or None)


# The global options that take a value: what follows them is not the command's name.
_VALUED = frozenset({"--language", "--data-dir", "--models", "--passphrase-file"})


def _global_part(argv: Sequence[str]) -> list[str]:
    """The arguments before the command's name: after it, `--language` is the command's own
    (the language of a report or a notice, not the one the app speaks)."""
    part: list[str] = []
    expects_value = False
    for arg in argv:
        if not expects_value and not arg.startswith("-"):
            break
        part.append(arg)
        expects_value = not expects_value and arg in _VALUED
    return part


def _open_window(args: argparse.Namespace) -> int:
    from likeness_guard.gui.app import run_app

    return run_app(
        LaunchOptions(
            data_dir=Path(args.data_dir) if args.data_dir else None,
            models_dir=Path(args.models) if args.models else None,
            language=args.language,
            case=args.case or os.environ.get("LIKENESS_GUARD_CASE") or None,
            caseworker=args.caseworker or os.environ.get("LIKENESS_GUARD_CASEWORKER") or None,
        )
    )


def _configure_logging(args: argparse.Namespace) -> None:
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


if __name__ == "__main__":
    sys.exit(main())
