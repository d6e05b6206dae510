"""Takedown notices: one per site, with what the laws ask a valid request to contain.

The wording was checked against what the TAKE IT DOWN Act (Pub. L. 119-12, section 3) asks
of a valid removal request (a signature, the depictions and where to find them, a
good-faith statement that they are not consensual, contact information) and what Article
16(2) of the EU Digital Services Act asks of a notice (the reasons the content is illegal,
its exact URLs, the name and email of the sender, a good-faith statement). It is not legal
advice, and the notices say nothing that claims it is.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from likeness_guard.core.domain.errors import ImageError
from likeness_guard.core.domain.records import ScanItem, Verdict
from likeness_guard.core.domain.takedown import Jurisdiction, Recheck, TakedownRequest
from likeness_guard.core.domain.words import counted, describe_synthetic
from likeness_guard.core.storage.store import Store
from likeness_guard.core.takedown.platforms import Platform, host_of, platform_directory

_LAW = {
    Jurisdiction.US: (
        "Under the TAKE IT DOWN Act (Public Law 119-12), a covered platform must remove a "
        "non-consensual intimate visual depiction, including one made or altered by "
        "computer (a digital forgery), and make reasonable efforts to remove known "
        "identical copies, within 48 hours of a valid request. This notice is such a "
        "request: it identifies each depiction and where to find it, states my good-faith "
        "belief that it is not consensual, and carries my signature and contact details."
    ),
    Jurisdiction.EU: (
        "This is a notice under Article 16 of the Digital Services Act (Regulation (EU) "
        "2022/2065). The content is illegal: sharing intimate or sexual images of a person "
        "without consent, including manipulated or AI-generated ones, is an offence in the "
        "Member States (Directive (EU) 2024/1385, Article 5) and violates my rights to "
        "privacy and to the protection of my personal data. Below are the reasons (Art. "
        "16(2)(a)), the exact address of each item (Art. 16(2)(b)), my name and email "
        "address (Art. 16(2)(c)) and my statement of good faith (Art. 16(2)(d))."
    ),
    Jurisdiction.UK: (
        "In the United Kingdom, sharing or threatening to share an intimate photograph or "
        "film of a person without consent, including one that was digitally made or "
        "altered, is a criminal offence (section 66B of the Sexual Offences Act 2003, "
        "inserted by the Online Safety Act 2023), and services must take such illegal "
        "content down swiftly once they are aware of it (Online Safety Act 2023)."
    ),
    Jurisdiction.OTHER: (
        "Publishing intimate or sexual images of a person without consent, whether real or "
        "made with AI, breaks your terms of service and is unlawful in many countries. It "
        "causes serious and lasting harm to the person shown."
    ),
}


@dataclass(frozen=True)
class NoticeSender:
    """Who signs the notices, and on whose behalf."""

    name: str
    contact_email: str
    jurisdiction: Jurisdiction = Jurisdiction.OTHER
    on_behalf_of: str | None = None  # the person shown, when an authorised representative signs


@dataclass(frozen=True)
class NoticeEntry:
    """One image or video to remove."""

    url: str
    page_url: str | None
    sha256: str
    md5: str | None  # from the kept copy; None when the bytes were not kept
    pdq: str | None  # of the stored pixels (the best frame of a video), as platforms hash
    retrieved_at: str | None
    ai_marker: str | None  # the badge, when the file itself declares or betrays AI
    rechecks: tuple[Recheck, ...] = ()
    requests: tuple[TakedownRequest, ...] = ()


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
            return (
                f"No reporting page is known for {self.host}. Look for a Report or Contact "
                "link on the site, its terms of service or DMCA/abuse page, or find the "
                f"hosting provider's abuse contact by looking {self.host} up in a WHOIS or "
                "RDAP service and write to that address."
            )
        where = self.platform.report_url or self.platform.report_email or ""
        return (
            f"{self.platform.name}: {where}\n{self.platform.how} "
            f"(entry last checked {self.platform.checked})"
        )


def collect_entries(store: Store, scan_id: int, *, only_confirmed: bool) -> list[NoticeEntry]:
    """The scan's web matches to ask removal of, each address once, most similar first.

    "Not me" matches are always left out; with `only_confirmed`, only "This is me" ones
    are kept. Local files have no address to report and are not included.
    """
    found: dict[str, tuple[str, ScanItem]] = {}
    for item in store.reportable_matches(scan_id):
        if item.web is None or item.sha256 is None:
            continue
        if only_confirmed and item.verdict is not Verdict.ME:
            continue
        found.setdefault(item.web.url, (item.sha256, item))
    history = store.takedowns.rechecks(found)
    requests = store.takedowns.requests(found)
    entries = []
    for url, (sha256, item) in found.items():
        data = store.evidence.get(sha256)
        words = describe_synthetic(item.synthetic)
        entries.append(
            NoticeEntry(
                url=url,
                page_url=item.web.page_url if item.web else None,
                sha256=sha256,
                md5=item.md5 or (hashlib.md5(data).hexdigest() if data is not None else None),
                pdq=_pdq(item, data),
                retrieved_at=item.web.retrieved_at if item.web else None,
                ai_marker=words.badge if words.flagged else None,
                rechecks=tuple(r for r in history if r.url == url),
                requests=tuple(r for r in requests if r.url == url),
            )
        )
    return entries


def _pdq(item: ScanItem, data: bytes | None) -> str | None:
    """The PDQ hash hash-sharing programmes compare: stored pixels, or a video's best frame."""
    if item.video is not None:
        return item.video.frame_pdq
    if data is None:
        return None
    from likeness_guard.core.imaging.decode import decode_stored
    from likeness_guard.core.imaging.pdq import platform_pdq

    try:
        stored, orientation = decode_stored(data)
    except ImageError:
        return None
    return platform_pdq(stored, orientation).stored.hex


def build_notices(
    entries: Iterable[NoticeEntry], sender: NoticeSender, now: datetime | None = None
) -> list[Notice]:
    """One notice per site (host), sites in the order their first entry comes."""
    now = now or datetime.now(UTC)
    by_host: dict[str, list[NoticeEntry]] = {}
    for entry in entries:
        by_host.setdefault(host_of(entry.url), []).append(entry)
    directory = platform_directory()
    notices = []
    for host, group in by_host.items():
        platform = directory.platform_for(group[0].url)
        subject = (
            "Removal request: intimate images shared without consent "
            f"({counted(len(group), 'address', 'addresses')} on {host})"
        )
        notices.append(
            Notice(
                host,
                platform,
                tuple(group),
                subject,
                notice_text(host, platform, group, sender, now),
            )
        )
    return notices


def notice_text(
    host: str,
    platform: Platform | None,
    entries: list[NoticeEntry],
    sender: NoticeSender,
    now: datetime,
) -> str:
    """The notice itself, plain text, ready to paste into a form or an email."""
    who = platform.name if platform else f"the operator of {host}"
    person = sender.on_behalf_of or sender.name
    lines = [
        f"To the trust and safety team of {who},",
        "",
        (
            f"I am writing on behalf of {person}, who has authorised me to act for them, to "
            "request the removal of intimate images of them that were published on your "
            "service without their consent."
            if sender.on_behalf_of
            else "I am writing to request the removal of intimate images of me that were "
            "published on your service without my consent."
        ),
        "",
        "CONTENT TO REMOVE",
        (
            f"The following {counted(len(entries), 'item')} "
            f"{'shows' if len(entries) == 1 else 'show'} {person}. Each is listed "
            "with the page where it appears, the SHA-256 and MD5 hashes of the exact file and "
            "its PDQ perceptual hash, so that you can find it and any copies."
        ),
    ]
    for number, entry in enumerate(entries, start=1):
        lines += ["", *_entry_lines(number, entry)]
    return "\n".join([*lines, *_request_lines(person, sender, now)])


def _entry_lines(number: int, entry: NoticeEntry) -> list[str]:
    """One item to remove: where it is, its hashes, and what became of it so far."""
    lines = [f"{number}. Address: {entry.url}"]
    lines.append(f"   Found on page: {entry.page_url or '(the address itself)'}")
    lines.append(f"   SHA-256: {entry.sha256}")
    if entry.md5:
        lines.append(f"   MD5: {entry.md5}")
    if entry.pdq:
        lines.append(f"   PDQ: {entry.pdq}")
    if entry.retrieved_at:
        lines.append(f"   Retrieved: {entry.retrieved_at}")
    if entry.ai_marker:
        lines.append(f"   The file itself carries a marker of AI generation: {entry.ai_marker}")
    return lines + [f"   {line}" for line in _history_lines(entry)]


def _request_lines(person: str, sender: NoticeSender, now: datetime) -> list[str]:
    """Why the content is unlawful, the statement of good faith, what is asked, and the
    signature."""
    return [
        "",
        "WHY THIS CONTENT IS UNLAWFUL",
        (
            f"These are intimate or sexual images of {person}, whether real or made or altered "
            "with AI, published without their consent."
        ),
        _LAW[sender.jurisdiction],
        "",
        "STATEMENT",
        (
            f"I am authorised to act on behalf of {person}, the person shown in this content. "
            if sender.on_behalf_of
            else "I am the person shown in this content. "
        )
        + (
            "The person shown did not consent to its creation or to its publication. I have "
            "a good-faith belief that this content is intimate imagery published without "
            "consent, and that the information in this notice is accurate and complete."
        ),
        "",
        "WHAT I ASK",
        (
            "Please remove the content listed above and any identical copies on your "
            "service, and confirm to me by email when this is done."
            + (
                " Under the TAKE IT DOWN Act this must happen within 48 hours of this request."
                if sender.jurisdiction is Jurisdiction.US
                else ""
            )
        ),
        "",
        "EVIDENCE",
        (
            "I keep an evidence package with the exact files, their hashes and the pages as "
            "they were retrieved; I can provide it on request. The SHA-256 of each file is "
            "listed above."
        ),
        "",
        "Signed electronically,",
        f"/s/ {sender.name}",
        f"Date: {now.astimezone(UTC).date().isoformat()}",
        f"Contact: {sender.contact_email}",
    ]


def _history_lines(entry: NoticeEntry) -> list[str]:
    lines = [
        f"Reported to {r.reported_to} on {r.reported_on}"
        + (
            f"; removal was due by {deadline.isoformat().replace('+00:00', 'Z')}"
            if (deadline := r.deadline) is not None
            else ""
        )
        for r in entry.requests
    ]
    if entry.rechecks:
        last = entry.rechecks[-1]
        state = "still online" if last.online else str(last.status)
        lines.append(f"Checked again on {last.checked_at}: {state}")
    return lines
