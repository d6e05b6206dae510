"""Takedown notices: one per site, claiming only what the person confirmed.

By default a notice lists only the matches the person marked "This is me". Whether an item is
intimate or sexual, whether it was made or altered, and whether the person consented to its
creation are the person's own statements, item by item; the app states none of them for
them (an AI marker found in the file is given as evidence, not as a statement). The
statements speak of non-consent to *publication*, and of creation only where the person
says so. A notice goes to the site that serves the image after redirects and lists the whole
chain; it says nothing about other reports the person made unless they ask. The laws'
wording and conditions are in `laws.py`; a notice that would lack what the chosen law asks
of it is refused with the reason (`missing_elements`). Not legal advice.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from likeness_guard.core.domain.records import ScanItem, Verdict
from likeness_guard.core.domain.takedown import Recheck, TakedownRequest
from likeness_guard.core.domain.words import describe_synthetic
from likeness_guard.core.imaging.pdq import PdqHash
from likeness_guard.core.storage.store import Store
from likeness_guard.core.takedown.entries import (
    ItemStatements,
    NoticeEntry,
    NoticeSender,
    VideoMoment,
)
from likeness_guard.core.takedown.file_hashes import stored_pdq
from likeness_guard.core.takedown.laws import law_text
from likeness_guard.core.takedown.notice_wording import (
    entry_lines,
    opening_lines,
    request_lines,
    subject_line,
)
from likeness_guard.core.takedown.platforms import Platform, host_of, platform_directory
from likeness_guard.locale import _, in_language

__all__ = ["ItemStatements", "Notice", "NoticeEntry", "NoticeSender", "build_notices"]


@dataclass(frozen=True)
class Notice:
    """The notice for one site."""

    host: str
    platform: Platform | None
    entries: tuple[NoticeEntry, ...]
    subject: str
    text: str

    @property
    def send_to(self) -> str:
        """Where to send it, in words."""
        if self.platform is None:
            return _(
                "No reporting page is known for {host}. Look for a Report or Contact link on "
                "the site, its terms of service or DMCA/abuse page, or find the hosting "
                "provider's abuse contact by looking {host} up in a WHOIS or RDAP service and "
                "write to that address."
            ).format(host=self.host)
        where = self.platform.report_url or self.platform.report_email or ""
        # Translators: {how} says how to use the platform's form; {checked} is a date.
        return _("{platform}: {where}\n{how} (entry last checked {checked})").format(
            platform=self.platform.name,
            where=where,
            how=_(self.platform.how),
            checked=self.platform.checked,
        )


def collect_entries(
    store: Store,
    scan_id: int,
    statements: ItemStatements,
    *,
    include_unreviewed: bool = False,
) -> list[NoticeEntry]:
    """The scan's web matches to ask removal of, each address once, most similar first.

    Only "This is me" matches unless `include_unreviewed`; "Not me" ones never. Local files
    have no address to report and are not included; a chat export's picture is reported by
    its message's link (to the chat platform).
    """
    found: dict[str, ScanItem] = {}
    for item in store.reportable_matches(scan_id):
        url = _address(item)
        if url is None or item.sha256 is None or item.verdict is Verdict.NOT_ME:
            continue
        if item.verdict is not Verdict.ME and not include_unreviewed:
            continue
        found.setdefault(url, item)
    history = store.takedowns.rechecks(found)
    requests = store.takedowns.requests(found)
    return [
        _entry(
            store,
            item,
            statements,
            tuple(r for r in history if r.url == url),
            tuple(r for r in requests if r.url == url),
        )
        for url, item in found.items()
    ]


def _address(item: ScanItem) -> str | None:
    """Where the item can be reported: its web address, or the link of the chat message
    that carried it (a chat export's picture); None for a local file."""
    if item.web is not None:
        return item.web.url
    return item.chat.message_link if item.chat is not None else None


def _entry(
    store: Store,
    item: ScanItem,
    statements: ItemStatements,
    rechecks: tuple[Recheck, ...],
    requests: tuple[TakedownRequest, ...],
) -> NoticeEntry:
    url = _address(item)
    assert url is not None
    assert item.sha256 is not None
    sha256 = item.sha256
    data = store.evidence.get(sha256)
    words = describe_synthetic(item.synthetic)
    video = item.video
    web = item.web
    http = web.http if web is not None else None
    return NoticeEntry(
        url=url,
        page_url=web.page_url if web is not None else None,
        sha256=sha256,
        md5=item.md5 or (hashlib.md5(data).hexdigest() if data is not None else None),
        pdq=video.frame_pdq if video is not None else _hex(stored_pdq(data)),
        retrieved_at=web.retrieved_at if web is not None else None,
        ai_marker=words.badge if words.flagged else None,
        rechecks=rechecks,
        requests=requests,
        final_url=web.final_url if web is not None else None,
        redirects=http.redirects if http is not None else (),
        confirmed=item.verdict is Verdict.ME,
        intimate=sha256 in statements.intimate,
        altered=sha256 in statements.altered,
        no_consent_to_creation=sha256 in statements.no_consent_to_creation,
        video_duration_s=video.duration_s if video is not None else None,
        moments=tuple(VideoMoment(s.start_s, s.end_s) for s in video.segments) if video else (),
        frame_s=video.best_frame_s if video is not None else None,
        chat=item.chat if web is None else None,
    )


def _hex(pdq: PdqHash | None) -> str | None:
    return None if pdq is None else pdq.hex


def missing_elements(entries: Iterable[NoticeEntry], sender: NoticeSender) -> list[str]:
    """What a notice to these entries under the sender's law would lack, in sentences; empty
    when nothing is missing."""
    law = law_text(sender.jurisdiction)
    missing = []
    if not sender.name.strip():
        missing.append(_("A name to sign with is missing."))
    if "@" not in sender.contact_email:
        missing.append(_("An email address where the site can answer is missing."))
    if law.needs_intimate:
        unstated = [e.url for e in entries if not e.intimate]
        if unstated:
            missing.append(
                _(
                    "A notice under {law} concerns intimate or sexual images, and you have not "
                    "said that these are: {addresses}. Say so for each one that is, or choose "
                    "the site's own rules instead."
                ).format(law=law.name, addresses=", ".join(unstated))
            )
    return missing


def build_notices(
    entries: Iterable[NoticeEntry], sender: NoticeSender, now: datetime | None = None
) -> list[Notice]:
    """One notice per site (the host that serves each file after redirects), sites in the
    order their first entry comes, each written in the sender's chosen language."""
    now = now or datetime.now(UTC)
    by_host: dict[str, list[NoticeEntry]] = {}
    for entry in entries:
        by_host.setdefault(host_of(entry.served_from), []).append(entry)
    directory = platform_directory()
    notices = []
    for host, group in by_host.items():
        platform = directory.platform_for(group[0].served_from)
        with in_language(sender.language):
            subject = subject_line(host, group)
            text = notice_text(host, platform, group, sender, now)
        notices.append(Notice(host, platform, tuple(group), subject, text))
    return notices


def notice_text(
    host: str,
    platform: Platform | None,
    entries: list[NoticeEntry],
    sender: NoticeSender,
    now: datetime,
) -> str:
    """The notice itself, plain text, ready to paste into a form or an email."""
    lines = opening_lines(host, platform, entries, sender)
    for number, entry in enumerate(entries, start=1):
        lines += ["", *entry_lines(number, entry, sender)]
    return "\n".join([*lines, *request_lines(entries, sender, now)])
