"""`likeness-guard enroll`: add reference photos of a person's face to a profile."""

import argparse
from pathlib import Path

from likeness_guard.cli.common import add_profile_option, open_engine, open_store
from likeness_guard.core.domain.text_safety import printable
from likeness_guard.core.pipeline.enroll import enroll_file


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "enroll",
        help="add photos of your face",
        description=(
            "Add reference photos of your face. Each photo must show one face, large, sharp "
            "and looking at the camera. Only a face thumbnail and its embedding are kept, "
            "on this computer."
        ),
        epilog="Example: likeness-guard enroll me1.jpg me2.jpg me3.jpg --profile me",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("photos", nargs="+", metavar="PHOTO", help="photos of your face")
    add_profile_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print one line per photo; exit 1 when none was accepted."""
    with open_store(args) as store:
        engine = open_engine(args)
        profile = store.profile(args.profile, create=True)
        assert profile is not None
        accepted = 0
        for photo in args.photos:
            result = enroll_file(store, engine, profile, Path(photo))
            if result.accepted:
                accepted += 1
                note = " (already enrolled)" if result.already_enrolled else ""
                print(f"accepted  {printable(photo)}{note}")
            else:
                print(f"rejected  {printable(photo)}: {result.reason}")
        total = store.profile(args.profile)
        count = total.reference_count if total else 0
        print(f"Profile '{args.profile}' now has {count} reference photo(s).")
    return 0 if accepted else 1
