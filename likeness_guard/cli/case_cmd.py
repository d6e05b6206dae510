"""`likeness-guard case`: a helpline's cases: new, list, export, delete, and the audit log."""

import argparse
import os
import sys
from pathlib import Path

from likeness_guard.cli.common import open_store, say, write_json
from likeness_guard.cli.translated_parser import examples
from likeness_guard.core.domain.json_types import JsonDict
from likeness_guard.core.domain.text_safety import printable
from likeness_guard.core.services.audit import audit_entries
from likeness_guard.core.services.cases import (
    ENV_CASE,
    CaseSummary,
    case_folder,
    create_case,
    delete_case,
    export_case,
    list_cases,
    workspace_of,
)
from likeness_guard.core.services.folder import data_folder
from likeness_guard.locale import _, ngettext


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "case",
        help=_("a helpline's cases: new, list, export, delete, log"),
        description=_(
            "Keep many cases in one workspace (the data folder), one person each, kept apart: "
            "a case's data never appears in another's report or notice. The workspace is its "
            "own first case; give --case NAME to any command to work on another one."
        ),
        epilog=examples(
            "likeness-guard case new 2026-0412",
            "likeness-guard --case 2026-0412 --caseworker 'R. Kim' enroll photo.jpg",
            "likeness-guard case export 2026-0412 case-2026-0412.zip",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="case_action", metavar="ACTION", required=True)
    new = actions.add_parser("new", help=_("make a new, empty case"))
    new.add_argument("case_name", metavar="NAME", help=_("its name, e.g. a reference number"))
    new.set_defaults(func=run_new)
    listed = actions.add_parser("list", help=_("list the cases with what each holds"))
    listed.set_defaults(func=run_list)
    export = actions.add_parser(
        "export", help=_("write one case to a .zip file (encrypted when the case is)")
    )
    export.add_argument("case_name", metavar="NAME")
    export.add_argument("file", metavar="FILE", help=_("the .zip file to write"))
    export.set_defaults(func=run_export)
    delete = actions.add_parser(
        "delete", help=_("delete one case whole; other cases and collections stay")
    )
    delete.add_argument("case_name", metavar="NAME")
    delete.add_argument("--yes", action="store_true", help=_("do not ask to confirm"))
    delete.set_defaults(func=run_delete)
    log = actions.add_parser("log", help=_("show a case's audit log: who did what, and when"))
    log.add_argument(
        "case_name", metavar="NAME", nargs="?", help=_("the case (default: the one in use)")
    )
    log.set_defaults(func=run_log)
    for sub in (new, listed, export, log):
        sub.add_argument(
            "--json", metavar="FILE", help=_("write the result as JSON to FILE, or - for stdout")
        )


def _workspace(args: argparse.Namespace) -> Path:
    """The workspace: --data-dir (never a case's folder, whatever --case says)."""
    return workspace_of(data_folder(args.data_dir))


def _on_folder(args: argparse.Namespace, folder: Path) -> argparse.Namespace:
    """The same options, on another case's data folder (its passphrase asked if needed)."""
    return argparse.Namespace(**{**vars(args), "data_dir": str(folder)})


def case_json(case: CaseSummary) -> JsonDict:
    counts = case.counts
    return {
        "name": case.name,
        "first": case.first,
        "folder": str(case.folder),
        "created_at": case.created_at,
        "protected": case.protected,
        "counts": None
        if counts is None
        else {
            "profiles": counts.profiles,
            "scans": counts.scans,
            "matches": counts.matches,
            "evidence_files": counts.evidence_files,
        },
    }


def _shown_name(case: CaseSummary) -> str:
    return printable(case.name) if case.name is not None else _("(the workspace's own case)")


def run_new(args: argparse.Namespace) -> int:
    case = create_case(_workspace(args), args.case_name)
    if args.json:
        write_json(case_json(case), args.json)
    say(args, _("Case “{name}” made in {path}.").format(name=case.name, path=case.folder))
    if case.protected or _workspace_protected(args):
        say(
            args,
            _("Protect it with a passphrase too: {command}").format(
                command=f"likeness-guard --case '{case.name}' protect"
            ),
        )
    return 0


def _workspace_protected(args: argparse.Namespace) -> bool:
    from likeness_guard.core.services.protection import is_protected

    return is_protected(_workspace(args))


def run_list(args: argparse.Namespace) -> int:
    found = list_cases(_workspace(args))
    if args.json:
        write_json({"cases": [case_json(case) for case in found]}, args.json)
        if args.json == "-":
            return 0
    for case in found:
        if case.counts is None:
            # Translators: instead of a case's counts, when its passphrase was not given.
            holds = _("protected: give its passphrase to see what it holds")
        else:
            scans = ngettext("{count} scan", "{count} scans", case.counts.scans)
            matches = ngettext("{count} match", "{count} matches", case.counts.matches)
            # Translators: what a case holds, in the list of cases: "3 scans, 12 matches".
            holds = _("{scans}, {matches}").format(
                scans=scans.format(count=case.counts.scans),
                matches=matches.format(count=case.counts.matches),
            )
        print(f"{_shown_name(case)}\t{case.created_at or '—'}\t{holds}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    folder = case_folder(_workspace(args), args.case_name)
    with open_store(_on_folder(args, folder)) as store:
        done = export_case(store, Path(args.file))
    if args.json:
        write_json(
            {
                "file": str(done.path),
                "evidence_files": done.evidence_files,
                "encrypted": done.encrypted,
                "database_sha256": done.database_sha256,
            },
            args.json,
        )
    kept = ngettext("{count} kept file", "{count} kept files", done.evidence_files)
    say(
        args,
        _("Case “{name}” written to {path} with its database and {files}.").format(
            name=args.case_name, path=done.path, files=kept.format(count=done.evidence_files)
        ),
    )
    if done.encrypted:
        say(args, _("It is encrypted: its passphrase opens it where it is unpacked."))
    return 0


def run_delete(args: argparse.Namespace) -> int:
    folder = case_folder(_workspace(args), args.case_name)
    if not args.yes:
        if not sys.stdin.isatty():
            print(
                _("likeness-guard: add --yes to delete case “{name}”.").format(name=args.case_name),
                file=sys.stderr,
            )
            return 2
        question = _(
            "Delete case “{name}” with all its photos' data, scans, evidence and audit log? "
            "Other cases and collections stay. Type yes to delete: "
        ).format(name=args.case_name)
        if input(question).strip().lower() not in ("yes", _("yes").lower()):
            print(_("Nothing was deleted."))
            return 1
    # Opened once with its passphrase (when protected), so that its store can be opened.
    open_store(_on_folder(args, folder), deleting=True).close()
    delete_case(folder)
    print(_("Case “{name}” was deleted.").format(name=args.case_name))
    return 0


def run_log(args: argparse.Namespace) -> int:
    # The case named here, else the one in use (--case, $LIKENESS_GUARD_CASE), else the first.
    name = args.case_name or getattr(args, "case", None) or os.environ.get(ENV_CASE)
    folder = case_folder(_workspace(args), name) if name else _workspace(args)
    with open_store(_on_folder(args, folder)) as store:
        entries = audit_entries(store)
    if args.json:
        write_json({"audit_log": [entry.to_json() for entry in entries]}, args.json)
        if args.json == "-":
            return 0
    if not entries:
        print(_("Nothing recorded yet."))
    for entry in entries:
        print(
            "\t".join(
                (
                    entry.at,
                    printable(entry.caseworker_words()),
                    entry.action_words(),
                    printable(entry.words()),
                )
            )
        )
    return 0
