"""`likeness-guard enroll`: add reference photos of a person's face to a profile."""

import argparse
from pathlib import Path

from likeness_guard.cli.common import add_profile_option, open_engine, open_store
from likeness_guard.core.domain.text_safety import printable
from likeness_guard.core.domain.words import ENROLL_ADVICE
from likeness_guard.core.services.enrolling import (
    EnrollRequest,
    EnrollResult,
    enroll,
    reference_notes,
)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "enroll",
        help="add photos of your face",
        description=(
            "Add reference photos of your face. Each photo should show your face large (60 "
            "pixels across or more; from 48 it is kept with a warning), sharp and looking at "
            "the camera. In a photo with several faces, choose yours with --face N. Only a "
            "face thumbnail and its embedding are kept, on this computer.\n\n" + ENROLL_ADVICE
        ),
        epilog=(
            "Examples:\n"
            "  likeness-guard enroll me1.jpg me2.jpg me3.jpg --profile me\n"
            "  likeness-guard enroll group.jpg            (lists the faces if there are several)\n"
            "  likeness-guard enroll group.jpg --face 2   (uses the second largest face)"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("photos", nargs="+", metavar="PHOTO", help="photos of your face")
    parser.add_argument(
        "--face",
        type=int,
        metavar="N",
        help="in a photo with several faces, use face N (1 = the largest); one photo only",
    )
    add_profile_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print one line per photo, then what each reference adds; exit 1 when none was accepted."""
    face_number: int | None = args.face
    if face_number is not None and (len(args.photos) != 1 or face_number < 1):
        print(
            "--face N goes with exactly one photo, and N is 1 or more (1 = the largest face). "
            "Run enroll once for each group photo."
        )
        return 2
    with open_store(args) as store:
        engine = open_engine(args)
        photos = iter(args.photos)
        request = EnrollRequest(
            args.profile,
            tuple(Path(photo) for photo in args.photos),
            (face_number,) * len(args.photos),
        )
        accepted = enroll(
            store,
            engine,
            request,
            on_result=lambda result: print_result(printable(next(photos)), result),
        )
        profile = store.profile(args.profile)
        assert profile is not None  # enroll made it
        references = store.references(profile.id)
        print(f"Profile '{args.profile}' now has {len(references)} reference photo(s).")
        for reference, note in zip(references, reference_notes(references), strict=True):
            print(f"  {note.number}. {printable(reference.source_name)}: {note.text}")
        print(ENROLL_ADVICE)
    return 0 if accepted else 1


def print_result(photo: str, result: EnrollResult) -> None:
    """One photo's outcome; for a photo with several faces, the faces to choose from."""
    if result.accepted:
        note = " (already enrolled)" if result.already_enrolled else ""
        print(f"accepted  {photo}{note}")
        if result.warning:
            print(f"          note: {result.warning}")
        return
    print(f"rejected  {photo}: {result.reason}")
    if not result.needs_face_choice:
        return
    print("          The faces, largest first:")
    for choice in result.face_choices:
        print(f"            face {choice.number}: {choice.width} pixels wide, {choice.position}")
    if result.smaller_faces:
        print(f"            and {result.smaller_faces} smaller face(s), too small to use")
    example = result.face_choices[0].number
    print(f"          To use yours, run enroll again with --face N, e.g. --face {example}.")
