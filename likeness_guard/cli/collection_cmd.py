"""`likeness-guard collection`: collections analysed once (add, list, info, remove), and a
case's person matched against one (match)."""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from likeness_guard.cli.common import (
    add_profile_option,
    add_threshold_options,
    open_engine,
    open_store,
    say,
    write_json,
)
from likeness_guard.cli.translated_parser import examples
from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.words import matches_count
from likeness_guard.core.services.collections import (
    AddProgress,
    AddRequest,
    AddResult,
    CollectionSummary,
    Engine,
    add_json,
    add_to_collection,
    collection_summary,
    collections,
    match_collection,
    match_json,
    remove_collection,
    summary_json,
)
from likeness_guard.core.services.folder import data_folder
from likeness_guard.locale import _, ngettext


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "collection",
        help=_("analyse a large set of images once, then match cases against it"),
        description=_(
            "A collection is a large set of images (a seized folder, a crawl, a platform's "
            "referral) analysed once: every face is kept, so that each case is then matched "
            "against it in seconds instead of scanning it again. Collections belong to the "
            "workspace and are shared by its cases; a match becomes a scan of one case."
        ),
        epilog=examples(
            "likeness-guard collection add forum-2026 /evidence/forum @more-files.txt",
            "likeness-guard --case anna collection match forum-2026",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="collection_command", metavar="ACTION", required=True)
    _register_add(commands)
    listing = commands.add_parser("list", help=_("list the workspace's collections"))
    _add_json(listing)
    listing.set_defaults(func=run_list)
    info = commands.add_parser("info", help=_("describe one collection"))
    info.add_argument("name", metavar="NAME")
    _add_json(info)
    info.set_defaults(func=run_info)
    _register_match(commands)
    remove = commands.add_parser("remove", help=_("delete a collection and its index"))
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(func=run_remove)


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", metavar="FILE", help=_("write the results as JSON to FILE, or - for stdout")
    )


def _register_add(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    add = commands.add_parser(
        "add",
        help=_("analyse folders, files, lists of files or web addresses into a collection"),
        description=_(
            "Analyse images once into a collection (made when new). Files already in it "
            "and unchanged are not read again; an interrupted add keeps what it analysed "
            "and goes on from there when run again."
        ),
    )
    add.add_argument("name", metavar="NAME")
    add.add_argument(
        "sources",
        nargs="+",
        metavar="SOURCE",
        help=_("folders, files, @FILE (a list of paths or web addresses, one a line) or URLs"),
    )
    add.add_argument(
        "--engine",
        choices=[engine.value for engine in Engine],
        default=Engine.LOCAL.value,
        help=_("where to analyse: this computer (default) or a Ray cluster"),
    )
    add.add_argument(
        "--address",
        metavar="ADDR",
        help=_("the Ray cluster's address (default: a cluster on this computer alone)"),
    )
    add.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help=_("processes (or Ray workers) analysing images at once (default: one per core)"),
    )
    add.add_argument(
        "--no-provenance",
        action="store_true",
        help=_("do not look for signs that an image is AI-made"),
    )
    add.add_argument(
        "--allow-private-addresses",
        action="store_true",
        help=_("allow addresses on this computer or the local network (intranet, tests)"),
    )
    _add_json(add)
    add.set_defaults(func=run_add)


def _register_match(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    match = commands.add_parser(
        "match",
        help=_("find the case's person in a collection; the result is a scan of the case"),
        description=_(
            "Find the profile's face in every image of the collection, and pictures the "
            "person confirmed before, also where no face shows. The result is a new scan of "
            "this case: review, reports and notices work on it as on any scan."
        ),
    )
    match.add_argument("name", metavar="NAME")
    add_profile_option(match)
    add_threshold_options(match, _("how eager matching is (default: balanced)"))
    _add_json(match)
    match.set_defaults(func=run_match)


def _workspace(args: argparse.Namespace) -> Path:
    return data_folder(args.data_dir)


def run_add(args: argparse.Namespace) -> int:
    if args.workers is not None and args.workers < 1:
        say(args, _("--workers takes 1 or more."))
        return 2
    request = AddRequest(
        name=args.name,
        sources=tuple(args.sources),
        engine=Engine(args.engine),
        address=args.address,
        workers=args.workers,
        check_provenance=not args.no_provenance,
        allow_private_addresses=args.allow_private_addresses,
    )
    engine = open_engine(args, lazy=True)
    cancel = CancelToken()
    try:
        result = add_to_collection(
            _workspace(args), engine, request, on_progress=_progress_line(args), cancel=cancel
        )
    except KeyboardInterrupt:
        cancel.cancel()
        raise
    _end_progress(args)
    if args.json:
        write_json(add_json(result), args.json)
    say(args, _added_words(result))
    return 0


def _added_words(result: AddResult) -> str:
    """One sentence on what an add did, each count in its own plural form."""
    counts = {
        "analysed": ngettext("{count} image analysed", "{count} images analysed", result.analysed),
        "faces": ngettext("{count} face kept", "{count} faces kept", result.faces),
        "unchanged": ngettext(
            "{count} unchanged file not read again",
            "{count} unchanged files not read again",
            result.unchanged,
        ),
        "copied": ngettext(
            "{count} copy of an image kept already",
            "{count} copies of images kept already",
            result.copied,
        ),
        "errors": ngettext("{count} could not be read", "{count} could not be read", result.errors),
    }
    numbers = {
        "analysed": result.analysed,
        "faces": result.faces,
        "unchanged": result.unchanged,
        "copied": result.copied,
        "errors": result.errors,
    }
    said = {key: text.format(count=numbers[key]) for key, text in counts.items()}
    # Translators: each placeholder is a count with its words ("3 images analysed").
    return _("Collection {name}: {analysed} ({faces}), {unchanged}, {copied}, {errors}.").format(
        name=result.name, **said
    )


def _progress_line(args: argparse.Namespace) -> Callable[[AddProgress], None]:
    def show(progress: AddProgress) -> None:
        if args.json == "-" or not sys.stderr.isatty():
            return
        line = ngettext(
            "{count} image done, {rate:.1f} a second",
            "{count} images done, {rate:.1f} a second",
            progress.done,
        ).format(count=progress.done, rate=progress.analysed / max(progress.elapsed, 1e-9))
        print("\r" + line, end="", file=sys.stderr, flush=True)

    return show


def _end_progress(args: argparse.Namespace) -> None:
    if args.json != "-" and sys.stderr.isatty():
        print(file=sys.stderr)


def _describe(summary: CollectionSummary) -> str:
    index = summary.index_kind or _("built at the next match")
    return _(
        "{name}: {images} images, {faces} faces, model pack {pack}, updated {updated}; "
        "index: {index}"
    ).format(
        name=summary.name,
        images=summary.images,
        faces=summary.faces,
        pack=summary.pack_name,
        updated=summary.updated_at,
        index=index,
    )


def run_list(args: argparse.Namespace) -> int:
    found = collections(_workspace(args))
    if args.json:
        write_json({"collections": [summary_json(s) for s in found]}, args.json)
    if not found:
        say(args, _("There is no collection yet: add one with 'likeness-guard collection add'."))
    for summary in found:
        say(args, _describe(summary))
    return 0


def run_info(args: argparse.Namespace) -> int:
    summary = collection_summary(_workspace(args), args.name)
    if args.json:
        write_json(summary_json(summary), args.json)
    say(args, _describe(summary))
    for source in summary.sources:
        say(args, _("  added from: {source}").format(source=source))
    return 0


def run_match(args: argparse.Namespace) -> int:
    engine = open_engine(args, lazy=True)
    with open_store(args) as store:
        outcome = match_collection(
            store,
            engine,
            args.name,
            profile_name=args.profile,
            preset=args.preset,
            threshold=args.threshold,
        )
    if args.json:
        write_json(match_json(outcome), args.json)
    possible = ngettext(
        "{count} possible match", "{count} possible matches", outcome.possible
    ).format(count=outcome.possible)
    say(
        args,
        _(
            "Scan {scan}: {matches} and {possible} in collection {name}, copies of pictures "
            "you confirmed included ({known}). Review them with 'likeness-guard review'."
        ).format(
            scan=outcome.scan_id,
            matches=matches_count(outcome.matches),
            possible=possible,
            name=args.name,
            known=outcome.known_pictures,
        ),
    )
    return 0


def run_remove(args: argparse.Namespace) -> int:
    remove_collection(_workspace(args), args.name)
    say(args, _("Collection {name} deleted.").format(name=args.name))
    return 0
