"""Takedown notices: one per site, with what the laws ask a valid request to contain.

The wording was checked against what the TAKE IT DOWN Act (Pub. L. 119-12, section 3) asks
of a valid removal request (a signature, the depictions and where to find them, a
good-faith statement that they are not consensual, contact information) and what Article
16(2) of the EU Digital Services Act asks of a notice (the reasons the content is illegal,
its exact URLs, the name and email of the sender, a good-faith statement). It is not legal
advice, and the notices say nothing that claims it is.
"""

import email.message
import email.policy
import email.utils
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from likeness_guard.core.domain.errors import ImageError, UserFacingError
from likeness_guard.core.domain.records import ScanItem, Verdict
from likeness_guard.core.domain.takedown import Jurisdiction, Recheck, TakedownRequest
from likeness_guard.core.domain.words import counted, describe_synthetic
from likeness_guard.core.report.platforms import Platform, host_of, platform_directory
from likeness_guard.core.storage.fs import atomic_output, write_atomic
from likeness_guard.core.storage.store import Store

NOT_LEGAL_ADVICE = (
    "Likeness Guard prepared these notices from what you found and what you entered. They "
    "are not legal advice; for that, a lawyer or a helpline can help (see the last page)."
)

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


@dataclass(frozen=True)
class NoticeFiles:
    pdf: Path
    text: Path
    emails: tuple[Path, ...]
    notices: tuple[Notice, ...]


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
        lines += ["", f"{number}. Address: {entry.url}"]
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
        lines += [f"   {line}" for line in _history_lines(entry)]
    lines += [
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
    return "\n".join(lines)


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


def write_notices(
    notices: list[Notice], sender: NoticeSender, out_pdf: Path, now: datetime | None = None
) -> NoticeFiles:
    """Write the PDF, the same text as one .txt, and one .eml per site beside it.

    Raises UserFacingError when there is nothing to write or a file cannot be written.
    """
    if not notices:
        raise UserFacingError(
            "There is no web address to report in this scan: notices are for images found "
            "on web pages (scan the addresses where you found them), and matches marked "
            "“Not me” are left out."
        )
    now = now or datetime.now(UTC)
    stem = out_pdf.name[:-4] if out_pdf.name.lower().endswith(".pdf") else out_pdf.name
    text_path = out_pdf.with_name(stem + ".txt")
    try:
        with atomic_output(out_pdf) as tmp:
            _write_pdf(notices, sender, tmp, now)
        write_atomic(text_path, _all_text(notices).encode("utf-8"))
        emails = []
        for number, notice in enumerate(notices, start=1):
            path = out_pdf.with_name(f"{stem}.{number}-{_safe(notice.host)}.eml")
            write_atomic(path, _email(notice, sender, now))
            emails.append(path)
    except OSError as exc:
        raise UserFacingError(
            f"The notices could not be written to {out_pdf.parent} ({exc.strerror or exc}). "
            "Choose another folder."
        ) from exc
    return NoticeFiles(out_pdf, text_path, tuple(emails), tuple(notices))


def _all_text(notices: list[Notice]) -> str:
    parts = [f"{NOT_LEGAL_ADVICE}\n"]
    for notice in notices:
        parts.append(
            f"{'=' * 72}\nSend to: {notice.send_to}\nSubject: {notice.subject}\n{'=' * 72}\n\n"
            f"{notice.text}\n"
        )
    return "\n".join(parts)


def _email(notice: Notice, sender: NoticeSender, now: datetime) -> bytes:
    """An .eml draft: open it in a mail program, check it, send it."""
    message = email.message.EmailMessage(policy=email.policy.SMTP)
    message["From"] = f"{sender.name} <{sender.contact_email}>"
    if notice.platform is not None and notice.platform.report_email:
        message["To"] = notice.platform.report_email
    message["Subject"] = notice.subject
    message["Date"] = email.utils.format_datetime(now.astimezone(UTC))
    message["X-Unsent"] = "1"  # opens as a draft in mail programs that know the header
    message.set_content(notice.text)
    return message.as_bytes()


def _safe(host: str) -> str:
    return "".join(c if c.isalnum() or c in ".-" else "_" for c in host)[:80] or "site"


def _write_pdf(notices: list[Notice], sender: NoticeSender, path: Path, now: datetime) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    from likeness_guard.core.report.fonts import load_fonts, markup

    fonts = load_fonts()
    body = ParagraphStyle("body", fontName=fonts.sans, fontSize=10, leading=14)
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=11.5)
    heading = ParagraphStyle("heading", parent=body, fontSize=14, leading=19, spaceAfter=6)
    section = ParagraphStyle(
        "section", parent=body, fontSize=10.5, textColor="#1d4ed8", spaceBefore=4
    )
    margin = 56
    width = A4[0] - 2 * margin

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph("<br/>".join(markup(line, fonts) for line in text.split("\n")), style)

    def url_line(label: str, url: str) -> Paragraph:
        # Addresses are never broken across lines, so they can be copied whole: a long one
        # is set smaller instead, and each is a link.
        size = 9.0
        room = width - stringWidth(label, fonts.sans, size)
        while size > 5 and stringWidth(url, fonts.sans, size) > room:
            size -= 0.5
        style = ParagraphStyle("url", parent=body, fontSize=size, splitLongWords=False)
        link = f'<a href="{_attr(url)}" color="#1d4ed8">{markup(url, fonts)}</a>'
        return Paragraph(f"{markup(label, fonts)}{link}", style)

    story: list[object] = [
        para("Takedown notices", heading),
        para(
            f"Prepared on {now.astimezone(UTC).date().isoformat()} (UTC) for {sender.name}: "
            f"{counted(len(notices), 'notice')}, one for each site. Send each one to the "
            "address shown above it, or paste its text into the site's report form."
        ),
        Spacer(1, 8),
        para(NOT_LEGAL_ADVICE, small),
    ]
    for notice in notices:
        story += [PageBreak(), para(f"Notice to {notice.host}", heading)]
        story += [para("Where to send it: " + notice.send_to, small), Spacer(1, 8)]
        story.append(para("Subject: " + notice.subject))
        story.append(Spacer(1, 6))
        for line in notice.text.split("\n"):
            label, colon, rest = line.partition(": ")
            if colon and rest.startswith(("http://", "https://")) and " " not in rest:
                story.append(url_line(label.strip() + ": ", rest))
            elif line.isupper():
                story.append(para(line, section))
            else:
                story.append(para(line) if line else Spacer(1, 6))
    story += [PageBreak(), para("Hash-blocking and help", heading)]
    directory = platform_directory()
    for service in directory.hash_blocking:
        story.append(para(f"{service.name} ({service.url}), for {service.audience}: {service.how}"))
        story.append(Spacer(1, 6))
    for link in directory.help:
        story.append(para(f"{link.name}: {link.url}", small))
    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title="Takedown notices",
        author="",
        subject="",
        creator="Likeness Guard",
    )
    document.build(story)


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
