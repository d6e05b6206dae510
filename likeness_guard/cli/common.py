"""What the CLI commands share: opening the store and the engine, writing output."""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from likeness_guard.core import services
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.thresholds import DEFAULT_PROFILE
from likeness_guard.core.engine.face_engine import FaceEngine
from likeness_guard.core.storage.fs import write_atomic
from likeness_guard.core.storage.store import Store


def open_store(args: argparse.Namespace) -> Store:
    """Open the data folder (asking for its passphrase when it is protected), finish what a
    crash interrupted, and say so on standard error."""
    from likeness_guard.cli.passphrase import unlock_folder
    from likeness_guard.core.storage.layout import data_dir
    from likeness_guard.core.storage.recovery import recover

    folder = data_dir(args.data_dir)
    notes = services.open_folder(folder)  # before the passphrase: it needs none
    unlock_folder(folder, args)
    store = Store(folder)
    try:
        for note in notes + recover(store):
            print(f"likeness-guard: {note}", file=sys.stderr, flush=True)
    except BaseException:
        store.close()
        raise
    return store


def open_engine(args: argparse.Namespace) -> FaceEngine:
    """The pack given with --models, else the one chosen with `models use` (built-in)."""
    from likeness_guard.core.storage.layout import existing_data_dir

    return services.open_engine(
        Path(args.models) if args.models else None, existing_data_dir(args.data_dir)
    )


def add_profile_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile",
        default=DEFAULT_PROFILE,
        metavar="NAME",
        help=f"whose face (default: {DEFAULT_PROFILE!r}); one profile per person",
    )


def add_scan_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scan", default="last", metavar="ID", help="scan number, or 'last' (the default)"
    )


def chosen_scan(store: Store, text: str) -> int:
    """The scan number given with --scan ("last" is the newest); raises UserFacingError."""
    if text == "last":
        last = store.last_scan_id()
        if last is None:
            raise UserFacingError("There is no scan yet: run 'likeness-guard scan' first.")
        return last
    try:
        return int(text)
    except ValueError:
        raise UserFacingError(f"--scan takes a scan number or 'last', not {text!r}.") from None


def write_json(document: dict[str, Any], target: str) -> None:
    """Write JSON to a file (atomically) or, for "-", to standard output."""
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if target == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomic(Path(target), text.encode("utf-8"))


def say(args: argparse.Namespace, message: str) -> None:
    """Human-readable output: on stderr when stdout carries JSON."""
    stream = sys.stderr if getattr(args, "json", None) == "-" else sys.stdout
    print(message, file=stream, flush=True)
