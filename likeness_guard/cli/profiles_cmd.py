"""`likeness-guard profiles` and `forget`: see and delete what is stored."""

import argparse

from likeness_guard.cli.common import open_store
from likeness_guard.cli.translated_parser import examples
from likeness_guard.core.domain.case_words import kept_cases_words
from likeness_guard.core.services.cases import other_data
from likeness_guard.core.services.folder import Store
from likeness_guard.core.services.forgetting import (
    finish_forgetting,
    forget_everything,
    forget_profile,
)
from likeness_guard.locale import _, ngettext


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    profiles = subparsers.add_parser(
        "profiles",
        help=_("list profiles and their reference photos"),
        description=_("List the profiles in the data folder with their reference photo counts."),
        epilog=examples("likeness-guard profiles"),
    )
    profiles.set_defaults(func=run_profiles)
    forget = subparsers.add_parser(
        "forget",
        help=_("delete a profile, or everything"),
        description=_(
            "Delete stored data for good: the face embeddings, thumbnails, scans and kept "
            "evidence. The database is then compacted so nothing deleted survives in it."
        ),
        epilog=examples("likeness-guard forget --profile friend", "likeness-guard forget --all"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    which = forget.add_mutually_exclusive_group(required=True)
    which.add_argument("--profile", metavar="NAME", help=_("delete this profile and its scans"))
    which.add_argument("--all", action="store_true", help=_("delete every profile and scan"))
    forget.set_defaults(func=run_forget)


def run_profiles(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        profiles = store.profiles()
        if not profiles:
            print(
                _("No profiles yet. Start with: {command}").format(
                    command="likeness-guard enroll PHOTO..."
                )
            )
        for profile in profiles:
            count = profile.reference_count
            photos = ngettext("{count} reference photo", "{count} reference photos", count)
            print(f"{profile.name}\t{photos.format(count=count)}")
        print(_("Data folder: {path}").format(path=store.folder))
    return 0


def run_forget(args: argparse.Namespace) -> int:
    if args.all:
        with open_store(args, deleting=True) as store:
            forget_everything(store)
        print(
            _("Deleted every profile, scan and evidence file in {path}.").format(path=store.folder)
        )
        kept = kept_cases_words(*other_data(store.folder))
        if kept:
            print(kept)
        if not finish_forgetting(store.folder):
            print(
                _(
                    "The passphrase protection is removed once the other Likeness Guard window "
                    "or command open on this folder is closed (at the next start)."
                )
            )
        _compaction_note(store)
        return 0
    with open_store(args, deleting=False) as store:
        forgotten = forget_profile(store, args.profile)
    if forgotten:
        finish_forgetting(store.folder, wait=0.0)  # its lock files, once no store is open
        print(
            _("Deleted profile '{name}' with its photos' data and scans.").format(name=args.profile)
        )
        _compaction_note(store)
        return 0
    print(_("There is no profile called '{name}'.").format(name=args.profile))
    return 1


def _compaction_note(store: Store) -> None:
    from likeness_guard.core.services.forgetting import compaction_pending

    if compaction_pending(store.folder):
        print(
            _(
                "The disk is too full to compact the database now: the deleted entries were "
                "overwritten, and the file is compacted the next time Likeness Guard starts."
            )
        )
