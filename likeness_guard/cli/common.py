"""What the CLI commands share: opening the store and the engine, writing output."""

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from likeness_guard.core.domain.thresholds import DEFAULT_PROFILE
from likeness_guard.core.services.folder import (
    Store,
    data_folder,
    existing_data_folder,
    open_folder,
    save_file,
)
from likeness_guard.core.services.folder import (
    open_store as open_unlocked,
)
from likeness_guard.core.services.packs import FaceEngine
from likeness_guard.core.services.packs import open_engine as load_engine
from likeness_guard.locale import _


def open_store(args: argparse.Namespace, *, deleting: bool | None = None) -> Store:
    """Open the data folder (asking for its passphrase when it is protected), finish what a
    crash interrupted, and say so on standard error.

    `deleting` (everything: True, one profile: False) makes room first on a full disk."""
    from likeness_guard.cli.passphrase import unlock_folder

    folder = data_folder(args.data_dir)
    notes = open_folder(folder)  # before the passphrase: it needs none
    unlock_folder(folder, args)
    if deleting is not None:
        from likeness_guard.core.services.forgetting import make_room

        make_room(folder, everything=deleting)
    store, more_notes = open_unlocked(folder)
    for note in notes + more_notes:
        print(f"likeness-guard: {note}", file=sys.stderr, flush=True)
    return store


def open_engine(args: argparse.Namespace, *, lazy: bool = False) -> FaceEngine:
    """The pack given with --models, else the one chosen with `models use` (built-in);
    `lazy`: its models loaded only when first needed."""
    return load_engine(
        Path(args.models) if args.models else None, existing_data_folder(args.data_dir), lazy=lazy
    )


def add_profile_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile",
        default=DEFAULT_PROFILE,
        metavar="NAME",
        help=_("whose face (default: {name}); one profile per person").format(
            name=repr(DEFAULT_PROFILE)
        ),
    )


def add_threshold_options(parser: argparse.ArgumentParser, preset_help: str) -> None:
    """--preset or --threshold: how eager matching is (one of the two, or neither)."""
    from likeness_guard.core.domain.thresholds import Preset

    how = parser.add_mutually_exclusive_group()
    how.add_argument("--preset", choices=[p.value for p in Preset], help=preset_help)
    how.add_argument(
        "--threshold", type=float, metavar="T", help=_("similarity needed for a match (0-1)")
    )


def add_scan_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scan", default="last", metavar="ID", help=_("scan number, or 'last' (the default)")
    )


def write_json(document: dict[str, Any], target: str) -> None:
    """Write JSON to a file (atomically) or, for "-", to standard output."""
    from likeness_guard.core.domain.text_safety import storable_json

    # Names that are not valid UTF-8 are written escaped, as in the store (never a crash).
    text = json.dumps(storable_json(document), indent=2, ensure_ascii=False) + "\n"
    if target == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        save_file(Path(target), text.encode("utf-8"))


def say(args: argparse.Namespace, message: str) -> None:
    """Human-readable output: on stderr when stdout carries JSON."""
    stream = sys.stderr if getattr(args, "json", None) == "-" else sys.stdout
    print(message, file=stream, flush=True)
