"""`likeness-guard profiles` and `forget`: see and delete what is stored."""

import argparse

from likeness_guard.cli.common import open_store
from likeness_guard.core.services.folder import Store
from likeness_guard.core.services.forgetting import (
    finish_forgetting,
    forget_everything,
    forget_profile,
)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    profiles = subparsers.add_parser(
        "profiles",
        help="list profiles and their reference photos",
        description="List the profiles in the data folder with their reference photo counts.",
        epilog="Example: likeness-guard profiles",
    )
    profiles.set_defaults(func=run_profiles)
    forget = subparsers.add_parser(
        "forget",
        help="delete a profile, or everything",
        description=(
            "Delete stored data for good: the face embeddings, thumbnails, scans and kept "
            "evidence. The database is then compacted so nothing deleted survives in it."
        ),
        epilog=(
            "Examples: likeness-guard forget --profile friend\n"
            "          likeness-guard forget --all"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    which = forget.add_mutually_exclusive_group(required=True)
    which.add_argument("--profile", metavar="NAME", help="delete this profile and its scans")
    which.add_argument("--all", action="store_true", help="delete every profile and scan")
    forget.set_defaults(func=run_forget)


def run_profiles(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        profiles = store.profiles()
        if not profiles:
            print("No profiles yet. Start with: likeness-guard enroll PHOTO...")
        for profile in profiles:
            print(f"{profile.name}\t{profile.reference_count} reference photo(s)")
        print(f"Data folder: {store.folder}")
    return 0


def run_forget(args: argparse.Namespace) -> int:
    if args.all:
        with open_store(args, deleting=True) as store:
            forget_everything(store)
        print(f"Deleted every profile, scan and evidence file in {store.folder}.")
        if not finish_forgetting(store.folder):
            print(
                "The passphrase protection is removed once the other Likeness Guard window "
                "or command open on this folder is closed (at the next start)."
            )
        _compaction_note(store)
        return 0
    with open_store(args, deleting=False) as store:
        if forget_profile(store, args.profile):
            print(f"Deleted profile '{args.profile}' with its photos' data and scans.")
            _compaction_note(store)
            return 0
        print(f"There is no profile called '{args.profile}'.")
        return 1


def _compaction_note(store: Store) -> None:
    from likeness_guard.core.services.forgetting import compaction_pending

    if compaction_pending(store.folder):
        print(
            "The disk is too full to compact the database now: the deleted entries were "
            "overwritten, and the file is compacted the next time Likeness Guard starts."
        )
