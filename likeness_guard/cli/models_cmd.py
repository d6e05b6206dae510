"""`likeness-guard models`: list the face model packs, add one from a folder, choose one."""

import argparse
from pathlib import Path

from likeness_guard.cli.common import open_store
from likeness_guard.cli.translated_parser import examples
from likeness_guard.core.domain.packs import (
    BUILTIN_PACK,
    KNOWN_PACKS,
    PACK_LICENCE,
    THRESHOLD_CAVEAT,
    UNVERIFIED,
    KnownPack,
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
from likeness_guard.locale import _


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    known = "; ".join(_pack_files(k) for k in KNOWN_PACKS.values() if k.name != BUILTIN_PACK)
    parser = subparsers.add_parser(
        "models",
        help=_("list, add or choose the face model packs"),
        description=(
            _(
                "Without a subcommand, list the face model packs and say which is in use. "
                "Packs this app knows ({known}) are checked against their published SHA-256 "
                "values before they are used."
            ).format(known=known)
            + "\n\n"
            + _(PACK_LICENCE)
        ),
        epilog=examples(
            "likeness-guard models",
            "likeness-guard models add ~/Downloads/buffalo_l",
            f"likeness-guard models use {BUILTIN_PACK}",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(func=run_list)
    actions = parser.add_subparsers(dest="models_action", metavar="ACTION")
    actions.add_parser("list", help=_("list the packs (the default)")).set_defaults(func=run_list)
    add = actions.add_parser(
        "add",
        help=_("check a pack folder, keep a copy and switch to it"),
        description=_(
            "Check the insightface pack in FOLDER (for example the unpacked buffalo_l.zip), "
            "copy its detector and recognizer into the data folder, switch to it and "
            "re-embed your reference photos with it (from the face crops that were kept; "
            "nothing needs enrolling again)."
        ),
    )
    add.add_argument("folder", metavar="FOLDER", help=_("the unpacked pack folder"))
    add.add_argument(
        "--trust-unverified",
        action="store_true",
        help=_("accept a pack whose files this app does not know (listed as unverified)"),
    )
    add.add_argument("--name", metavar="NAME", help=_("the name of an unverified pack"))
    add.set_defaults(func=run_add)
    use = actions.add_parser(
        "use",
        help=_("switch to another pack and re-embed your reference photos"),
        description=_("Switch to a pack listed by 'likeness-guard models'."),
    )
    use.add_argument(
        "name", metavar="NAME", help=_("a pack's name, e.g. {name}").format(name=BUILTIN_PACK)
    )
    use.set_defaults(func=run_use)


def _pack_files(known: KnownPack) -> str:
    # Translators: a model pack's name and its two files' names.
    return _("{name}: {detector} and {recognizer}").format(
        name=known.name, detector=known.detector.name, recognizer=known.recognizer.name
    )


def run_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        packs = installed_packs(store.folder)
    print(_("Face model packs (* = in use):"))
    for pack in packs:
        print_pack(pack)
    others = [k for k in KNOWN_PACKS.values() if k.name not in {p.name for p in packs}]
    if others:
        print(_("Packs that can be added (download them from insightface, then 'models add'):"))
        for known in others:
            print(f"  {_pack_files(known)}; {_(known.about)}; {_(known.speed)}")
    print(_(PACK_LICENCE))
    print(_(THRESHOLD_CAVEAT))
    return 0


def print_pack(pack: InstalledPack) -> None:
    mark = "*" if pack.in_use else " "
    trust = _("verified") if pack.verified else _(UNVERIFIED)
    if pack.builtin:
        line = _("{mark} {name}  (built in; {trust})")
    else:
        line = _("{mark} {name}  (added {when}; {trust})")
    print(line.format(mark=mark, name=pack.name, when=pack.added_at, trust=trust))
    if pack.known is not None:
        print(f"      {_(pack.known.about)}")
        print("      " + _("speed: {speed}").format(speed=_(pack.known.speed)))
    for name in (pack.detector, pack.recognizer):
        print(f"      {name}  SHA-256 {pack.sha256[name]}")
    kept = _("kept in {folder} ({megabytes} MB)").format(
        folder=printable(str(pack.folder)), megabytes=f"{pack.size_bytes / 1e6:.1f}"
    )
    print(f"      {kept}")


def run_add(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        change = add_pack(
            store, Path(args.folder), trust_unverified=args.trust_unverified, name=args.name
        )
    if not change.verified:
        print(
            _("Warning: '{name}' is {unverified}.").format(
                name=change.name, unverified=_(UNVERIFIED)
            )
        )
    if change.copied:
        print(
            _("Added the {name} pack: its files match and a copy is kept.").format(name=change.name)
        )
    else:
        print(
            _("Nothing to copy for {name}: {reason}.").format(name=change.name, reason=change.note)
        )
    print_switch(change)
    return 0


def run_use(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        change = use_pack(store, args.name)
    print_switch(change)
    return 0


def print_switch(change: PackChange) -> None:
    print(switch_words(change.name, change.references))
    print(_(THRESHOLD_CAVEAT))
