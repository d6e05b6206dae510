"""`likeness-guard protect`: encrypt the data folder with a passphrase."""

import argparse

from likeness_guard.cli.passphrase import passphrase_from
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.storage import crypto
from likeness_guard.core.storage.lock import FolderLocks
from likeness_guard.core.storage.paths import data_dir
from likeness_guard.core.storage.store import DB_NAME, Store


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "protect",
        help="encrypt the data folder with a passphrase",
        description=(
            "Encrypt everything in the data folder with a passphrase: the database (face "
            "embeddings, thumbnails, names, paths, results) and every kept image. "
            "Afterwards every command needs the passphrase (--passphrase-file FILE, or "
            "typed when asked), and the window asks for it at start. Without it, nothing "
            "in the folder can be read. There is no way to recover a lost passphrase."
        ),
        epilog="Example: likeness-guard protect --passphrase-file ~/lg-passphrase.txt",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    folder = data_dir(args.data_dir)
    if crypto.is_protected(folder):
        raise UserFacingError(f"The data in {folder} is already protected with a passphrase.")
    passphrase = passphrase_from(args, confirm=True)
    if passphrase is None:
        raise UserFacingError(
            "Give the new passphrase with --passphrase-file FILE (a file holding only the "
            "passphrase), or run the command in a terminal to type it."
        )
    Store(folder).close()  # bring the database up to date first (and create it if new)
    locks = FolderLocks(folder)
    with locks.alone(), locks.forgetting(None, wait=0.0):  # nothing else may use it
        sealed = crypto.protect(folder, passphrase, DB_NAME)
    print(
        f"The data in {folder} is now encrypted ({sealed} kept file(s) sealed). Keep the "
        "passphrase safe: without it the data cannot be opened by anyone, including you."
    )
    return 0
