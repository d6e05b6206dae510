"""`likeness-guard notice`: takedown notices for the web addresses where matches were found."""

import argparse
from pathlib import Path

from likeness_guard.cli.common import add_scan_option, open_store
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.takedown import Jurisdiction
from likeness_guard.core.domain.words import counted
from likeness_guard.core.services.scanning import chosen_scan
from likeness_guard.core.services.takedown import write_takedown_notices


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "notice",
        help="write takedown notices for the web addresses where you were found",
        description=(
            "Write one takedown notice per site for the scan's matches found on the web: "
            "every address, the page it is on, the hashes of the exact files, a statement "
            "that you did not consent and a good-faith statement, signed with your name. "
            "Writes FILE.pdf, the same text as FILE.txt, and one .eml draft per site. "
            "Nothing is sent: you choose where and when. This is not legal advice."
        ),
        epilog=(
            "Example: likeness-guard notice --name 'Ana P.' --contact-email ana@example.org "
            "--jurisdiction us --out ~/notices.pdf"
        ),
    )
    add_scan_option(parser)
    parser.add_argument("--name", required=True, help="your name, printed as your signature")
    parser.add_argument(
        "--contact-email", required=True, metavar="EMAIL", help="where the site can answer you"
    )
    parser.add_argument(
        "--on-behalf-of",
        metavar="PERSON",
        help="the person shown, when you are their authorised representative",
    )
    parser.add_argument(
        "--jurisdiction",
        choices=[j.value for j in Jurisdiction],
        default=Jurisdiction.OTHER.value,
        help="whose law the notices cite: us (TAKE IT DOWN Act), eu (Digital Services Act), "
        "uk (Online Safety Act) or other (default)",
    )
    parser.add_argument(
        "--only-confirmed",
        action="store_true",
        help="include only matches you marked 'This is me'",
    )
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write them")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from likeness_guard.core.services.takedown import NoticeSender

    if "@" not in args.contact_email:
        raise UserFacingError(f"{args.contact_email!r} does not look like an email address.")
    sender = NoticeSender(
        name=args.name,
        contact_email=args.contact_email,
        jurisdiction=Jurisdiction(args.jurisdiction),
        on_behalf_of=args.on_behalf_of,
    )
    with open_store(args) as store:
        files = write_takedown_notices(
            store,
            chosen_scan(store, args.scan),
            sender,
            Path(args.out),
            only_confirmed=args.only_confirmed,
        )
    print(f"Wrote {counted(len(files.notices), 'notice')} to {files.pdf}")
    print(f"The same text: {files.text}")
    for notice, draft in zip(files.notices, files.emails, strict=True):
        print(f"  {notice.host}: {counted(len(notice.entries), 'address', 'addresses')}")
        print(f"    send to: {notice.send_to.splitlines()[0]}")
        print(f"    email draft: {draft}")
    print(
        "Nothing was sent. After you report an image, note it with: "
        "likeness-guard review SHA256 --reported-to WHERE"
    )
    return 0
