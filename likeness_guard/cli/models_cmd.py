"""`likeness-guard models`: list the face model packs, add one from a folder, choose one."""

import argparse
from pathlib import Path

from likeness_guard.cli.common import open_store
from likeness_guard.core.domain.packs import (
    BUILTIN_PACK,
    KNOWN_PACKS,
    PACK_LICENCE,
    THRESHOLD_CAVEAT,
    UNVERIFIED,
    switch_words,
)
from likeness_guard.core.domain.text_safety import printable
from likeness_guard.core.services.packs import (
    InstalledPack,
    PackChange,
    add_pack,
    installed_packs,
    use_pack,
)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    known = "; ".join(
        f"{k.name}: {k.detector.name} and {k.recognizer.name}"
        for k in KNOWN_PACKS.values()
        if k.name != BUILTIN_PACK
    )
    parser = subparsers.add_parser(
        "models",
        help="list, add or choose the face model packs",
        description=(
            "Without a subcommand, list the face model packs and say which is in use. "
            f"Packs this app knows ({known}) are checked against their published SHA-256 "
            "values before they are used.\n\n" + PACK_LICENCE
        ),
        epilog=(
            "Examples:\n"
            "  likeness-guard models\n"
            "  likeness-guard models add ~/Downloads/buffalo_l\n"
            f"  likeness-guard models use {BUILTIN_PACK}"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(func=run_list)
    actions = parser.add_subparsers(dest="models_action", metavar="ACTION")
    actions.add_parser("list", help="list the packs (the default)").set_defaults(func=run_list)
    add = actions.add_parser(
        "add",
        help="check a pack folder, keep a copy and switch to it",
        description=(
            "Check the insightface pack in FOLDER (for example the unpacked buffalo_l.zip), "
            "copy its detector and recognizer into the data folder, switch to it and "
            "re-embed your reference photos with it (from the face crops that were kept; "
            "nothing needs enrolling again)."
        ),
    )
    add.add_argument("folder", metavar="FOLDER", help="the unpacked pack folder")
    add.add_argument(
        "--trust-unverified",
        action="store_true",
        help="accept a pack whose files this app does not know (listed as unverified)",
    )
    add.add_argument("--name", metavar="NAME", help="the name of an unverified pack")
    add.set_defaults(func=run_add)
    use = actions.add_parser(
        "use",
        help="switch to another pack and re-embed your reference photos",
        description="Switch to a pack listed by 'likeness-guard models'.",
    )
    use.add_argument("name", metavar="NAME", help="a pack's name, e.g. buffalo_s")
    use.set_defaults(func=run_use)


def run_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        packs = installed_packs(store.folder)
    print("Face model packs (* = in use):")
    for pack in packs:
        print_pack(pack)
    others = [k for k in KNOWN_PACKS.values() if k.name not in {p.name for p in packs}]
    if others:
        print("Packs that can be added (download them from insightface, then 'models add'):")
        for known in others:
            print(
                f"  {known.name}: {known.detector.name} and {known.recognizer.name}; "
                f"{known.about}; {known.speed}"
            )
    print(PACK_LICENCE)
    print(THRESHOLD_CAVEAT)
    return 0


def print_pack(pack: InstalledPack) -> None:
    mark = "*" if pack.in_use else " "
    where = "built in" if pack.builtin else f"added {pack.added_at}"
    trust = "verified" if pack.verified else UNVERIFIED
    print(f"{mark} {pack.name}  ({where}; {trust})")
    if pack.known is not None:
        print(f"      {pack.known.about}")
        print(f"      speed: {pack.known.speed}")
    for name in (pack.detector, pack.recognizer):
        print(f"      {name}  SHA-256 {pack.sha256[name]}")
    print(f"      kept in {printable(str(pack.folder))} ({pack.size_bytes / 1e6:.1f} MB)")


def run_add(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        change = add_pack(
            store, Path(args.folder), trust_unverified=args.trust_unverified, name=args.name
        )
    if not change.verified:
        print(f"Warning: '{change.name}' is {UNVERIFIED}.")
    if change.copied:
        print(f"Added the {change.name} pack: its files match and a copy is kept.")
    else:
        print(f"Nothing to copy for {change.name}: {change.note}.")
    print_switch(change)
    return 0


def run_use(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        change = use_pack(store, args.name)
    print_switch(change)
    return 0


def print_switch(change: PackChange) -> None:
    print(switch_words(change.name, change.references))
    print(THRESHOLD_CAVEAT)
