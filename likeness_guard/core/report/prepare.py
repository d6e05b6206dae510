"""What a report will hold, gathered before anything is written: the matches chosen, and
each one's facts and pictures, under the privacy rules."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypedDict, Unpack

from likeness_guard.core.domain.audit import AuditEntry
from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.domain.records import Scan, ScanCounts, ScanItem, Verdict
from likeness_guard.core.report.document import page_size_for_locale
from likeness_guard.core.report.facts import MatchEntry, prepare_image_entry, takedown_history
from likeness_guard.core.report.privacy import Presenter, ReportPrivacy
from likeness_guard.core.report.video_facts import prepare_video_entry
from likeness_guard.core.storage.store import Store
from likeness_guard.locale import N_, _, in_language

# How the matches were chosen: kept in the manifest in English, printed translated.
CHOSEN_BY_HAND = N_("chosen by hand")
ONLY_CONFIRMED = N_("confirmed as “This is me”")
ALL_NOT_REJECTED = N_("all matches not marked “not me”")


class ReportCancelled(Exception):
    """Raised when the caller cancelled the report; nothing was written."""


class ReportOptions(TypedDict, total=False):
    """Which matches a report holds and how it shows them, with progress and cancelling:
    the keyword arguments of `prepare_report`, `build_report` and `export_package`."""

    only_confirmed: bool  # only those marked "This is me" (default False)
    item_ids: list[int] | None  # picked by hand (default None: all but "not me")
    unblurred: bool  # pictures not blurred (default False)
    privacy: ReportPrivacy | None  # default ReportPrivacy()
    page_size: str | None  # "A4" or "Letter" (default None: from the locale)
    progress: Callable[[int, int], None] | None  # (done, total) after each match
    cancelled: Callable[[], bool] | None  # checked between matches
    language: str | None  # the PDF's language (default None: the one in use)


@dataclass
class PreparedReport:
    """A report's content, gathered before anything is written (see `prepare_report`)."""

    scan: Scan  # as shown: the chosen name, paths relative to what was scanned
    counts: ScanCounts
    entries: list[MatchEntry]
    presenter: Presenter
    selection: str
    size_name: str
    unblurred: bool
    now: datetime
    own_photos_left_out: int
    language: str | None = None  # the PDF's (None: the language in use)
    # The case's audit log up to now: who did what (the report's own writing comes after).
    audit: list[AuditEntry] = field(default_factory=list)


def select_items(
    store: Store, scan_id: int, *, only_confirmed: bool, item_ids: list[int] | None
) -> list[ScanItem]:
    """The matches to include, most similar first; "not me" matches are always left out,
    and possible matches are in only when confirmed.

    Raises UserFacingError when nothing is left to report.
    """
    if item_ids is not None:
        chosen = [store.item(item_id) for item_id in item_ids]
        items = [i for i in chosen if i is not None and i.scan_id == scan_id]
        items.sort(key=lambda i: (-(i.best_similarity or 0.0), i.id))
    else:
        items = store.reportable_matches(scan_id)
    if only_confirmed:
        items = [i for i in items if i.verdict == Verdict.ME]
    if not items:
        nothing = (
            _("Scan {scan} has no confirmed matches to put in a report.")
            if only_confirmed
            else _("Scan {scan} has no matches to put in a report.")
        )
        raise UserFacingError(nothing.format(scan=scan_id))
    return items


def prepare_report(store: Store, scan_id: int, **options: Unpack[ReportOptions]) -> PreparedReport:
    """Choose the matches and gather their facts and pictures, under the privacy rules.

    Raises UserFacingError for a missing scan or nothing to report, ReportCancelled.
    """
    privacy = options.get("privacy") or ReportPrivacy()
    only_confirmed = options.get("only_confirmed", False)
    item_ids = options.get("item_ids")
    unblurred = options.get("unblurred", False)
    scan = store.scan(scan_id)
    if scan is None:
        raise UserFacingError(_("There is no scan number {scan}.").format(scan=scan_id))
    items = select_items(store, scan_id, only_confirmed=only_confirmed, item_ids=item_ids)
    references = store.references(scan.profile_id) if scan.profile_id is not None else []
    presenter = Presenter(scan, references, privacy)
    own = [item for item in items if presenter.is_own_photo(item)]
    if not privacy.include_own_photos:
        items = [item for item in items if not presenter.is_own_photo(item)]
        if not items:
            raise UserFacingError(
                _(
                    "Scan {scan} found only copies of your own reference photos. They are "
                    "left out of reports unless you ask for them (--include-own-photos)."
                ).format(scan=scan_id)
            )
    size_name = options.get("page_size") or page_size_for_locale()
    size_name = "Letter" if size_name.lower() == "letter" else "A4"
    entries = []
    language = options.get("language")
    with in_language(language):  # the words the entries carry into the PDF
        for entry in iter_entries(
            store,
            scan,
            [presenter.item(item) for item in items],
            unblurred=unblurred,
            progress=options.get("progress"),
            cancelled=options.get("cancelled"),
        ):
            entry.reference_label = presenter.reference_label(entry.item.best_reference_id)
            entry.reference_caption = presenter.reference_caption(entry.item.best_reference_id)
            entry.own_photo = presenter.is_own_photo(entry.item)
            entries.append(entry)
    if len(entries) < len(items):
        raise ReportCancelled()
    selection = (
        CHOSEN_BY_HAND
        if item_ids is not None
        else ONLY_CONFIRMED
        if only_confirmed
        else ALL_NOT_REJECTED
    )
    return PreparedReport(
        scan=presenter.scan(),
        counts=store.scan_counts([scan_id])[scan_id],
        entries=entries,
        presenter=presenter,
        selection=selection,
        size_name=size_name,
        unblurred=unblurred,
        now=datetime.now(UTC).replace(microsecond=0),
        own_photos_left_out=0 if privacy.include_own_photos else len(own),
        language=language,
        audit=store.audit.entries(),
    )


def iter_entries(
    store: Store,
    scan: Scan,
    items: list[ScanItem],
    *,
    unblurred: bool,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Iterator[MatchEntry]:
    """Prepare the entries one by one, reporting progress and stopping when cancelled."""
    for number, item in enumerate(items, start=1):
        if cancelled is not None and cancelled():
            return
        # A video is read from disk in pieces, never whole.
        prepare = prepare_video_entry if item.is_video else prepare_image_entry
        entry = prepare(store, scan, item, number, unblurred=unblurred)
        entry.takedown_history = takedown_history(store, item)
        yield entry
        if progress is not None:
            progress(number, len(items))
