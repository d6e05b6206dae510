"""`likeness-guard protect`: encrypt the data folder with a passphrase, change it, remove it."""

import argparse

from likeness_guard.cli.passphrase import ask_passphrase
from likeness_guard.cli.translated_parser import examples
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.words import ProtectionAction, protection_words
from likeness_guard.core.services.folder import data_folder, open_folder
from likeness_guard.core.services.protection import (
    ProtectionChange,
    change_passphrase,
    is_protected,
    protect_folder,
    read_passphrase_file,
    remove_protection,
)
from likeness_guard.locale import _


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "protect",
        help=_("encrypt the data folder with a passphrase (or change or remove it)"),
        description=_(
            "Encrypt everything in the data folder with a passphrase: the database (face "
            "embeddings, thumbnails, names, paths, results) and every kept image. "
            "Afterwards every command needs the passphrase (--passphrase-file FILE, or "
            "typed when asked), and the window asks for it at start. Without it, nothing "
            "in the folder can be read. There is no way to recover a lost passphrase. "
            "Close the window and other commands on the folder first."
        ),
        epilog=examples(
            "likeness-guard protect --passphrase-file ~/lg-passphrase.txt",
            "likeness-guard protect --change --passphrase-file OLD.txt "
            "--new-passphrase-file NEW.txt",
            "likeness-guard protect --remove --passphrase-file ~/lg-passphrase.txt",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    what = parser.add_mutually_exclusive_group()
    what.add_argument(
        "--change",
        action="store_true",
        help=_("encrypt everything again under a new passphrase"),
    )
    what.add_argument(
        "--remove",
        action="store_true",
        help=_("decrypt everything and stop asking a passphrase"),
    )
    # SUPPRESS: given before the command (a global option) it must not be reset here.
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help=_(
            "a file holding the passphrase: the new one to protect with, or the current "
            "one with --change and --remove (without it, it is asked on a terminal)"
        ),
    )
    parser.add_argument(
        "--new-passphrase-file",
        metavar="FILE",
        help=_("with --change: a file holding the new passphrase"),
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    folder = data_folder(args.data_dir)
    for note in open_folder(folder):
        print(f"likeness-guard: {note}")
    if args.change or args.remove:
        if not is_protected(folder):
            raise UserFacingError(
                _("The data in {folder} is not protected with a passphrase.").format(folder=folder)
            )
        given = args.passphrase_file if "passphrase_file" in args else None
        current = _given(given, _("Passphrase"))
        if args.remove:
            change = remove_protection(folder, current)
            print(_said(ProtectionAction.REMOVE, change))
            return 0
        new = _given(args.new_passphrase_file, _("New passphrase"), confirm=True)
        change = change_passphrase(folder, current, new)
        print(_said(ProtectionAction.CHANGE, change))
        return 0
    if is_protected(folder):
        raise UserFacingError(
            _(
                "The data in {folder} is already protected with a passphrase (use --change to "
                "choose another one)."
            ).format(folder=folder)
        )
    passphrase = _given(
        args.passphrase_file if "passphrase_file" in args else None, _("Passphrase"), confirm=True
    )
    change = protect_folder(folder, passphrase)
    print(_said(ProtectionAction.PROTECT, change))
    return 0


def _given(path: str | None, prompt: str, *, confirm: bool = False) -> str:
    """The passphrase in the file at `path`, else typed on the terminal."""
    if path:
        return read_passphrase_file(path)
    typed = ask_passphrase(prompt, confirm=confirm)
    if typed is None:
        raise UserFacingError(
            _(
                "Give the passphrase with --passphrase-file FILE (a file holding only the "
                "passphrase), or run the command in a terminal to type it."
            )
        )
    return typed


def _said(action: ProtectionAction, change: ProtectionChange) -> str:
    return protection_words(action, change.kept_files, change.damaged_files)
