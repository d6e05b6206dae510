"""Getting the passphrase of a protected data folder: from a file, or asked on a terminal."""

import argparse
import getpass
import sys
from pathlib import Path

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.services import protection
from likeness_guard.core.services.protection import read_passphrase_file
from likeness_guard.locale import _


def passphrase_from(args: argparse.Namespace) -> str | None:
    """The passphrase given with --passphrase-file, or asked on the terminal; None when
    neither is possible (no file given, not a terminal)."""
    path = getattr(args, "passphrase_file", None)
    if path:
        return read_passphrase_file(path)
    return ask_passphrase(_("Passphrase"))


def ask_passphrase(prompt: str, *, confirm: bool = False) -> str | None:
    """A passphrase typed on the terminal (twice with `confirm`); None when there is no
    terminal or nothing was typed. Raises UserFacingError when the two differ."""
    if not sys.stdin.isatty():
        return None
    try:
        # Translators: a prompt on the terminal, e.g. "Passphrase: "; keep the space.
        first = getpass.getpass(_("{prompt}: ").format(prompt=prompt))
        if confirm and getpass.getpass(_("The same passphrase again: ")) != first:
            raise UserFacingError(_("The two passphrases differ; nothing was changed."))
    except EOFError:
        return None
    return first or None


def unlock_folder(folder: Path, args: argparse.Namespace) -> None:
    """Give this process the folder's keys when it is protected.

    Raises PassphraseNeeded (no passphrase) or WrongPassphrase.
    """
    if not protection.is_protected(folder):
        return
    passphrase = passphrase_from(args)
    if passphrase is None:
        raise protection.PassphraseNeeded(protection.needs_passphrase_message(folder))
    notice = protection.unlock(folder, passphrase)
    if notice is not None:  # its settings had been changed and were put back
        print(f"likeness-guard: {notice}", file=sys.stderr)
