"""`likeness-guard watch`: keep places under watch and look at them again for new pictures."""

import argparse
import sys

from likeness_guard.cli.common import (
    add_profile_option,
    add_threshold_options,
    open_engine,
    open_store,
    write_json,
)
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.watching import (
    DEFAULT_PAGES,
    parse_every,
    place_json,
    run_json,
)
from likeness_guard.core.services.folder import data_folder
from likeness_guard.core.services.scanning import scan_options
from likeness_guard.core.services.watching import (
    WatchRequest,
    WatchRunRequest,
    add_places,
    remove_places,
    run_watches,
    run_words,
    schedule_off,
    schedule_on,
    schedule_state,
    watched_places,
)
from likeness_guard.locale import _, ngettext


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "watch",
        help=_("keep web pages, folders and chat exports under watch for new pictures of you"),
        description=_(
            "A watch list: the places to look at again (web pages and threads with their next "
            "pages, image addresses, folders, chat exports), each every so often. A run "
            "fetches and analyses only what is new since the last look: unchanged pages cost "
            "one conditional request, pictures seen before are neither downloaded nor "
            "analysed again. For runs while the window is closed: 'watch schedule on'."
        ),
    )
    actions = parser.add_subparsers(dest="watch_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help=_("put places on the watch list"))
    add.add_argument("places", nargs="+", metavar="PLACE", help=_("address, folder or chat export"))
    add.add_argument(
        "--every",
        default="1d",
        # Translators: 6h, 1d and 7d are values to type as they are (hours, days).
        help=_("how often to look: {choices} (default {default})").format(
            choices="6h, 1d, 7d", default="1d"
        ),
    )
    add.add_argument(
        "--pages",
        type=int,
        default=DEFAULT_PAGES,
        help=_("pages of a thread to follow, its first included (default {count})").format(
            count=DEFAULT_PAGES
        ),
    )
    add_profile_option(add)
    add.set_defaults(func=run_add)
    listing = actions.add_parser("list", help=_("show the watch list with the last and next run"))
    listing.add_argument("--json", metavar="FILE", help=_("write the list as JSON (- for stdout)"))
    listing.set_defaults(func=run_list)
    remove = actions.add_parser("remove", help=_("take places off the watch list"))
    remove.add_argument("places", nargs="+", metavar="PLACE", help=_("its number or as listed"))
    remove.set_defaults(func=run_remove)
    run = actions.add_parser("run", help=_("look at the watched places now"))
    run.add_argument("--due", action="store_true", help=_("only the places whose time has come"))
    run.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help=_("allow addresses on this computer or the local network (as in scan)"),
    )
    run.add_argument("--json", metavar="FILE", help=_("write what each run found as JSON"))
    add_threshold_options(run, _("how eager matching is (as in scan)"))
    run.set_defaults(func=run_run)
    schedule = actions.add_parser(
        "schedule",
        help=_("have the system look at the watch list every hour, also with the app closed"),
        description=_(
            "on: writes and enables an hourly schedule that runs 'watch run --due' (a systemd "
            "user timer on Linux, a launchd agent on macOS, a Task Scheduler task on "
            "Windows); off: removes it. 'Delete all my data' removes it too."
        ),
    )
    # Translators: on, off and status are typed as they are.
    schedule.add_argument("state", choices=("on", "off", "status"), help=_("on, off or status"))
    schedule.set_defaults(func=run_schedule)


def run_add(args: argparse.Namespace) -> int:
    try:
        every = parse_every(args.every)
    except ValueError as exc:
        raise UserFacingError(str(exc)) from exc
    with open_store(args) as store:
        added = add_places(store, WatchRequest(args.profile, tuple(args.places), every, args.pages))
    for place in added:
        print(_("Watching {place} (every {every}).").format(place=place.place, every=args.every))
    if len(added) < len(args.places):
        print(_("The other places were on the watch list already."))
    return 0


def run_list(args: argparse.Namespace) -> int:
    human = sys.stderr if args.json == "-" else sys.stdout
    with open_store(args) as store:
        places = watched_places(store)
    if args.json:
        write_json({"places": [place_json(place) for place in places]}, args.json)
    if not places:
        print(_("Nothing is watched yet: likeness-guard watch add PLACE"), file=human)
    for place in places:
        document = place_json(place)
        print(
            _("{id}. {place} — every {every}, last run {last}, next {next}").format(
                id=place.id,
                place=place.place,
                every=document["every"],
                last=place.last_run_at or _("never"),
                next=document["next_run_at"],
            ),
            file=human,
        )
    return 0


def run_remove(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        count = remove_places(store, args.places)
    print(
        ngettext(
            "{count} place taken off the watch list.",
            "{count} places taken off the watch list.",
            count,
        ).format(count=count)
    )
    return 0


def run_run(args: argparse.Namespace) -> int:
    human = sys.stderr if args.json == "-" else sys.stdout
    options = scan_options(
        preset=args.preset,
        threshold=args.threshold,
        allow_private_addresses=args.allow_private_addresses,
    )
    with open_store(args) as store:
        names = {place.id: place.place for place in watched_places(store)}
        report = run_watches(
            store,
            lambda: open_engine(args),  # only loaded when something new needs analysing
            WatchRunRequest(options, due_only=args.due),
        )
    for run in report.runs:
        print(run_words(run, names.get(run.place_id, str(run.place_id))), file=human)
    if report.follow_ups:
        print(
            ngettext(
                "{count} reported address was checked again on time.",
                "{count} reported addresses were checked again on time.",
                len(report.follow_ups),
            ).format(count=len(report.follow_ups)),
            file=human,
        )
    alert = report.alert()
    if alert:
        print(alert, file=human)
    if args.json:
        write_json(
            {
                "runs": [run_json(run) for run in report.runs],
                "follow_ups": [r.url for r in report.follow_ups],
            },
            args.json,
        )
    return 0


def run_schedule(args: argparse.Namespace) -> int:
    folder = data_folder(args.data_dir)
    if args.state == "on":
        state = schedule_on(folder)
    elif args.state == "off":
        state = schedule_off(folder)
    else:
        state = schedule_state(folder)
    if state.on:
        print(
            _("The system looks at the watch list every hour ({system}).").format(
                system=state.system
            )
        )
    else:
        print(_("No schedule: the watch list is looked at only while Likeness Guard is open."))
    for path in state.files:
        print(_("Schedule file: {path}").format(path=path))
    if state.note:
        print(state.note)
    return 0
