"""`likeness-guard enroll`: add reference photos of a person's face to a profile."""

import argparse
from pathlib import Path

from likeness_guard.cli.common import add_profile_option, open_engine, open_store
from likeness_guard.cli.translated_parser import examples
from likeness_guard.core.domain.text_safety import printable
from likeness_guard.core.domain.words import ENROLL_ADVICE
from likeness_guard.core.services.enrolling import (
    EnrollRequest,
    EnrollResult,
    enroll,
    reference_notes,
)
from likeness_guard.locale import _, ngettext

_INDENT = " " * 10  # under "accepted  " and "rejected  "


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "enroll",
        help=_("add photos of your face"),
        description=(
            _(
                "Add reference photos of your face. Each photo should show your face large (60 "
                "pixels across or more; from 48 it is kept with a warning), sharp and looking "
                "at the camera. In a photo with several faces, choose yours with --face N. "
                "Only a face thumbnail and its embedding are kept, on this computer."
            )
            + "\n\n"
            + _(ENROLL_ADVICE)
        ),
        epilog=examples(
            "likeness-guard enroll me1.jpg me2.jpg me3.jpg --profile me",
            (
                "likeness-guard enroll group.jpg         ",
                _("(lists the faces if there are several)"),
            ),
            ("likeness-guard enroll group.jpg --face 2", _("(uses the second largest face)")),
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("photos", nargs="+", metavar="PHOTO", help=_("photos of your face"))
    parser.add_argument(
        "--face",
        type=int,
        metavar="N",
        help=_("in a photo with several faces, use face N (1 = the largest); one photo only"),
    )
    add_profile_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print one line per photo, then what each reference adds; exit 1 when none was accepted."""
    face_number: int | None = args.face
    if face_number is not None and (len(args.photos) != 1 or face_number < 1):
        print(
            _(
                "--face N goes with exactly one photo, and N is 1 or more (1 = the largest "
                "face). Run enroll once for each group photo."
            )
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
        count = len(references)
        print(
            ngettext(
                "Profile '{name}' now has {count} reference photo.",
                "Profile '{name}' now has {count} reference photos.",
                count,
            ).format(name=args.profile, count=count)
        )
        for reference, note in zip(references, reference_notes(references), strict=True):
            print(f"  {note.number}. {printable(reference.source_name)}: {note.text}")
        print(_(ENROLL_ADVICE))
    return 0 if accepted else 1


def print_result(photo: str, result: EnrollResult) -> None:
    """One photo's outcome; for a photo with several faces, the faces to choose from."""
    if result.accepted:
        if result.already_enrolled:
            # Translators: "accepted" and "rejected" start lines that are aligned in a column; keep
            # the two spaces after them, and make both words the same width if you can.
            print(_("accepted  {photo} (already enrolled)").format(photo=photo))
        else:
            print(_("accepted  {photo}").format(photo=photo))
        if result.warning:
            print(_INDENT + _("note: {warning}").format(warning=result.warning))
        return
    print(_("rejected  {photo}: {reason}").format(photo=photo, reason=result.reason))
    if not result.needs_face_choice:
        return
    print(_INDENT + _("The faces, largest first:"))
    for choice in result.face_choices:
        line = ngettext(
            "face {number}: {width} pixel wide, {position}",
            "face {number}: {width} pixels wide, {position}",
            choice.width,
        ).format(number=choice.number, width=choice.width, position=choice.position)
        print(_INDENT + "  " + line)
    if result.smaller_faces:
        smaller = ngettext(
            "and {count} smaller face, too small to use",
            "and {count} smaller faces, too small to use",
            result.smaller_faces,
        ).format(count=result.smaller_faces)
        print(_INDENT + "  " + smaller)
    example = result.face_choices[0].number
    print(
        _INDENT
        + _("To use yours, run enroll again with --face N, e.g. --face {number}.").format(
            number=example
        )
    )
