"""`likeness-guard review`: say which matched images show you, and list what you said.

A verdict belongs to an image's bytes (its SHA-256), so it holds in every scan that saw the
same file, and keeps the time (UTC) it was given. Images are named by the start of their
SHA-256, as `review --list` shows it.

`--reported-to WHERE [--reported-on DATE]` notes that the images' web addresses were
reported, and `--list` shows where each stands (due, overdue, gone). To add another step:
its options in `_add_options`, a `ReviewStep` in `STEPS` (when it applies, what it does to
one SHA-256, the line it prints) and, for `--list`, a `Column` in `COLUMNS`. Every prefix is
resolved before any step runs, so a wrong one changes nothing.
"""

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from likeness_guard.cli.common import add_scan_option, open_store
from likeness_guard.cli.translated_parser import examples
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import ScanItem, Verdict
from likeness_guard.core.domain.words import verdict_label
from likeness_guard.core.services.folder import Store
from likeness_guard.core.services.reviewing import review_list, set_verdict
from likeness_guard.core.services.scanning import chosen_scan
from likeness_guard.core.services.takedown import (
    DeadlineRule,
    record_takedown_request,
    takedown_state,
)
from likeness_guard.locale import N_, _, ngettext

SHORT_SHA = 12  # digits of a SHA-256 that --list shows (and that are plenty to name it)

_VERDICTS: dict[str, Verdict | None] = {"me": Verdict.ME, "not_me": Verdict.NOT_ME, "clear": None}


@dataclass(frozen=True)
class ReviewStep:
    """Something `review` records for each image named on the command line."""

    wanted: Callable[[argparse.Namespace], bool]
    apply: Callable[[Store, str, argparse.Namespace], str]  # returns the line to print


@dataclass(frozen=True)
class Column:
    """A column of `review --list`."""

    header: str  # marked with N_(), translated when printed
    width: int  # 0: the rest of the line
    value: Callable[[ScanItem, Store], str]


def _apply_verdict(store: Store, sha256: str, args: argparse.Namespace) -> str:
    verdict = _VERDICTS[args.verdict]
    when = set_verdict(store, sha256, verdict)
    if verdict is None:
        return _("{sha256}  verdict cleared").format(sha256=sha256[:SHORT_SHA])
    return _("{sha256}  {verdict} (recorded {when})").format(
        sha256=sha256[:SHORT_SHA], verdict=verdict_label(verdict), when=when
    )


_DEADLINES = {"48h": DeadlineRule.US_48H, "dsa": DeadlineRule.DSA, "none": DeadlineRule.NONE}


def _apply_reported(store: Store, sha256: str, args: argparse.Namespace) -> str:
    chosen = args.deadline
    rule = None if chosen is None else _DEADLINES.get(chosen.lower(), DeadlineRule.DATE)
    due = chosen if rule is DeadlineRule.DATE else None
    records = record_takedown_request(
        store, sha256, args.reported_to, args.reported_on, rule=rule, due=due
    )
    lines = [
        _("{sha256}  reported to {where} on {date}").format(
            sha256=sha256[:SHORT_SHA], where=args.reported_to, date=records[0].reported_on
        )
    ]
    for record in records:
        due_at = record.deadline
        checks = ", ".join(f"{moment:%Y-%m-%d %H:%M}" for moment in record.rechecks_due())
        if due_at:
            due = _("{url}; removal due by {when} UTC").format(
                url=record.url, when=f"{due_at:%Y-%m-%d %H:%M}"
            )
            lines.append(f"    {due}")
        else:
            lines.append(f"    {record.url}")
        lines.append("    " + _("check again on {moments} (UTC)").format(moments=checks))
    return "\n".join(lines)


STEPS: list[ReviewStep] = [
    ReviewStep(wanted=lambda args: args.verdict is not None, apply=_apply_verdict),
    ReviewStep(wanted=lambda args: args.reported_to is not None, apply=_apply_reported),
]


COLUMNS: list[Column] = [
    Column("SHA-256", SHORT_SHA, lambda item, _store: (item.sha256 or "")[:SHORT_SHA]),
    # Translators: the headings of the columns of "review --list".
    Column(N_("score"), 5, lambda item, _store: f"{item.best_similarity or 0:.2f}"),
    Column(N_("verdict"), 10, lambda item, _store: verdict_label(item.verdict)),
    Column(N_("given (UTC)"), 20, lambda item, _store: item.verdict_at or "-"),
    Column(N_("removal"), 22, lambda item, store: _removal(item, store)),
    Column(N_("source"), 0, lambda item, _store: item.source),
]


def _add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "sha256",
        nargs="*",
        metavar="SHA256_PREFIX",
        help=_("the start of an image's SHA-256 (at least 6 hex digits), as --list shows it"),
    )
    verdicts = parser.add_mutually_exclusive_group()
    verdicts.add_argument(
        "--this-is-me",
        dest="verdict",
        action="store_const",
        const="me",
        help=_("these images show you"),
    )
    verdicts.add_argument(
        "--not-me",
        dest="verdict",
        action="store_const",
        const="not_me",
        help=_("these images do not show you (they are left out of reports)"),
    )
    verdicts.add_argument(
        "--clear", dest="verdict", action="store_const", const="clear", help=_("forget the verdict")
    )
    parser.add_argument(
        "--reported-to",
        metavar="WHERE",
        help=_("note that you asked for these images' removal (a site, a form, an address)"),
    )
    parser.add_argument(
        "--reported-on",
        metavar="DATE",
        help=_(
            "when you reported them, as 2026-05-20 or 2026-05-20T14:30 (UTC; default now); "
            "a date in the future is refused"
        ),
    )
    parser.add_argument(
        "--deadline",
        metavar="RULE",
        # Translators: 48h, dsa and none are typed as they are.
        help=_(
            "the removal deadline to track: 48h (TAKE IT DOWN Act, a US covered platform, "
            "requests from 19 May 2026), dsa (EU Digital Services Act: no fixed time), a date "
            "such as 2026-06-01, or none (default: 48h for a platform the built-in directory "
            "lists as covered, else none); re-checks are due at the deadline and a week after"
        ),
    )
    parser.add_argument(
        "--list", action="store_true", help=_("list a scan's matches with their verdicts")
    )
    add_scan_option(parser)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "review",
        help=_("mark matches 'this is me' or 'not me', or list them"),
        description=_(
            "Say whether matched images show you. A verdict belongs to the image's bytes, so "
            "it holds in every scan that found the same file; the time it was given is kept "
            "and printed in reports. 'report --only-confirmed' keeps only the images marked "
            "'this is me'; images marked 'not me' are never put in a report."
        ),
        epilog=examples(
            "likeness-guard review --list", "likeness-guard review 3fa4c2d1e0b9 --this-is-me"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.list:
        if args.sha256:
            raise UserFacingError(_("Give either --list or images to review, not both."))
        return _run_list(args)
    steps = [step for step in STEPS if step.wanted(args)]
    if not args.sha256:
        raise UserFacingError(
            _(
                "Name the images to review by the start of their SHA-256 (see "
                "'likeness-guard review --list'), or give --list."
            )
        )
    if not steps:
        raise UserFacingError(
            _("Say what to record: --this-is-me, --not-me, --clear or --reported-to WHERE.")
        )
    with open_store(args) as store:
        resolved = list(dict.fromkeys(store.resolve_sha256(prefix) for prefix in args.sha256))
        for step in steps:
            for sha256 in resolved:
                print(step.apply(store, sha256, args))
    return 0


def _run_list(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        scan_id = chosen_scan(store, args.scan)
        items = review_list(store, scan_id)
        if not items:
            print(_("Scan {scan} has no matches.").format(scan=scan_id))
            return 0
        print(_row([_(column.header) for column in COLUMNS]))
        for item in items:
            print(_row([column.value(item, store) for column in COLUMNS]))
    reviewed = sum(item.verdict is not None for item in items)
    print(
        ngettext(
            "{count} match in scan {scan}, {reviewed} reviewed.",
            "{count} matches in scan {scan}, {reviewed} reviewed.",
            len(items),
        ).format(count=len(items), scan=scan_id, reviewed=reviewed)
    )
    return 0


def _row(values: list[str]) -> str:
    cells = [
        value if column.width == 0 else value.ljust(column.width)
        for column, value in zip(COLUMNS, values, strict=True)
    ]
    return "  ".join(cells).rstrip()


def _removal(item: ScanItem, store: Store) -> str:
    """Where the item's web address stands: reported, due, overdue, gone."""
    if item.web is None:
        return "-"
    state = takedown_state(store, item.web.url)
    if state.overdue:
        # Translators: where a reported image's removal stands, in a column of "review --list".
        return _("OVERDUE")
    if state.latest is not None and not state.latest.online:
        return str(state.latest.status)  # a re-check's status code, as recheck --json writes it
    if state.deadline is not None:
        return _("due {when}").format(when=f"{state.deadline:%Y-%m-%d %H:%M}")
    return _("reported") if state.requests else "-"
