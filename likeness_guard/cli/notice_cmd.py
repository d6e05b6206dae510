"""`likeness-guard notice`: takedown notices for the web addresses where matches were found."""

import argparse
from pathlib import Path

from likeness_guard.cli.common import add_scan_option, open_store
from likeness_guard.cli.translated_parser import examples
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.takedown import Jurisdiction
from likeness_guard.core.services.scanning import chosen_scan
from likeness_guard.core.services.takedown import NoticeChoices, write_takedown_notices
from likeness_guard.locale import _, ngettext

_ITEMS = "SHA256_PREFIX|all"


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "notice",
        help=_("write takedown notices for the web addresses where you were found"),
        description=_(
            "Write one takedown notice per site for the scan's confirmed matches found on the "
            "web (the images you marked 'This is me'): every address and the site that "
            "serves it after redirects, the page it is on, the hashes of the exact files, a "
            "statement that you did not consent to their publication and a good-faith "
            "statement, signed with your name. It says only what you state: whether an item "
            "is intimate or sexual, made or altered, or made without your consent is yours to "
            "say, item by item. A notice that would lack what the chosen law asks is not "
            "written, and the reason is given. Writes FILE.pdf, the same text as FILE.txt, "
            "and one .eml draft per site. Nothing is sent: you choose where and when. This "
            "is not legal advice."
        ),
        epilog=examples(
            "likeness-guard notice --name 'Ana P.' --contact-email ana@example.org "
            "--jurisdiction us --intimate all --out ~/notices.pdf"
        ),
    )
    add_scan_option(parser)
    parser.add_argument("--name", required=True, help=_("your name, printed as your signature"))
    parser.add_argument(
        "--contact-email", required=True, metavar="EMAIL", help=_("where the site can answer you")
    )
    parser.add_argument(
        "--on-behalf-of",
        metavar="PERSON",
        help=_("the person shown, when you are their authorised representative"),
    )
    parser.add_argument(
        "--jurisdiction",
        choices=[j.value for j in Jurisdiction],
        default=Jurisdiction.OTHER.value,
        # Translators: us, eu, uk and other are the values typed after --jurisdiction.
        help=_(
            "whose law the notices cite: us (TAKE IT DOWN Act, for covered platforms), eu "
            "(Digital Services Act, Article 16), uk (England and Wales) or other (the site's "
            "own rules, the default); us, eu and uk concern intimate images only"
        ),
    )
    _add_statement_options(parser)
    parser.add_argument(
        "--include-unreviewed",
        action="store_true",
        help=_("also include matches you have not marked 'This is me' (marked as unconfirmed)"),
    )
    parser.add_argument(
        "--only-confirmed",
        action="store_true",
        help=_("include only matches you marked 'This is me' (the default; kept for scripts)"),
    )
    parser.add_argument(
        "--only", action="append", default=[], metavar="SHA256_PREFIX", help=_("only these items")
    )
    parser.add_argument(
        "--mention-reports",
        action="store_true",
        help=_("list where else you reported each item (left out by default)"),
    )
    parser.add_argument(
        "--language",
        dest="notice_language",
        metavar="CODE",
        default="en",
        help=_(
            "the language of the people who receive the notices, e.g. {codes} (default: "
            "English); legal statements whose translation no one has checked stay in English"
        ).format(codes="ko, es, pt_BR, ar"),
    )
    parser.add_argument("--out", required=True, metavar="FILE.pdf", help=_("where to write them"))
    parser.set_defaults(func=run)


def _add_statement_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--intimate",
        action="append",
        default=[],
        metavar=_ITEMS,
        help=_("you state that these items are intimate or sexual (repeat for several)"),
    )
    parser.add_argument(
        "--altered",
        action="append",
        default=[],
        metavar=_ITEMS,
        help=_(
            "you state that these items were made or altered (with AI or otherwise) to show "
            "you; AI markers found in a file are listed as evidence either way"
        ),
    )
    parser.add_argument(
        "--no-consent-to-creation",
        action="append",
        default=[],
        metavar=_ITEMS,
        help=_(
            "you state that you did not consent to these items being made (without it, the "
            "notice speaks only of their publication)"
        ),
    )


def run(args: argparse.Namespace) -> int:
    from likeness_guard.core.services.takedown import NoticeSender

    if "@" not in args.contact_email:
        raise UserFacingError(
            _("{address} does not look like an email address.").format(
                address=repr(args.contact_email)
            )
        )
    if args.only_confirmed and args.include_unreviewed:
        raise UserFacingError(_("Give either --only-confirmed or --include-unreviewed, not both."))
    sender = NoticeSender(
        name=args.name,
        contact_email=args.contact_email,
        jurisdiction=Jurisdiction(args.jurisdiction),
        on_behalf_of=args.on_behalf_of,
        mention_reports=args.mention_reports,
        language=args.notice_language,
    )
    choices = NoticeChoices(
        include_unreviewed=args.include_unreviewed,
        intimate=tuple(args.intimate),
        altered=tuple(args.altered),
        no_consent_to_creation=tuple(args.no_consent_to_creation),
        only=tuple(args.only),
    )
    with open_store(args) as store:
        files = write_takedown_notices(
            store, chosen_scan(store, args.scan), sender, Path(args.out), choices
        )
    count = len(files.notices)
    print(
        ngettext("Wrote {count} notice to {path}", "Wrote {count} notices to {path}", count).format(
            count=count, path=files.pdf
        )
    )
    print(_("The same text: {path}").format(path=files.text))
    for notice, draft in zip(files.notices, files.emails, strict=True):
        addresses = len(notice.entries)
        print(
            "  "
            + ngettext("{site}: {count} address", "{site}: {count} addresses", addresses).format(
                site=notice.host, count=addresses
            )
        )
        print("    " + _("send to: {where}").format(where=notice.send_to.splitlines()[0]))
        print("    " + _("email draft: {path}").format(path=draft))
    print(
        _("Nothing was sent. After you report an image, note it with: {command}").format(
            command="likeness-guard review SHA256 --reported-to WHERE [--deadline 48h|dsa|DATE]"
        )
    )
    return 0
