"""Writing the takedown notices: one PDF of them all (typeset with the report's primitives),
the same text as one .txt, and one .eml draft per site.

The notices themselves are in their recipients' language (made so by `build_notices`); what
is around them, for the person sending them (where to send each, hash-blocking and help), is
in the language the app speaks."""

import email.message
import email.policy
import email.utils
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.report.document import PageFrame, PdfInfo, lay_out
from likeness_guard.core.report.flowables import Typesetter, link_markup
from likeness_guard.core.report.fonts import ReportFonts, load_fonts, markup
from likeness_guard.core.sources.web.addresses import is_web_address
from likeness_guard.core.storage.fs import atomic_output, write_atomic
from likeness_guard.core.takedown.notice_wording import HEADINGS
from likeness_guard.core.takedown.notices import Notice, NoticeSender
from likeness_guard.core.takedown.platforms import platform_directory
from likeness_guard.locale import N_, _, in_language, ngettext

NOT_LEGAL_ADVICE = N_(
    "Likeness Guard prepared these notices from what you found and what you entered. They "
    "are not legal advice; for that, a lawyer or a helpline can help (see the last page)."
)

PAGE_INSET = 56  # points between the paper edge and the text
_ACCENT = "#1d4ed8"  # links and section headings


@dataclass(frozen=True)
class NoticeFiles:
    """What was written: the PDF, the text, an email draft per site, and the notices."""

    pdf: Path
    text: Path
    emails: tuple[Path, ...]
    notices: tuple[Notice, ...]


def write_notices(
    notices: list[Notice], sender: NoticeSender, out_pdf: Path, now: datetime | None = None
) -> NoticeFiles:
    """Write the PDF, the same text as one .txt, and one .eml per site beside it.

    Raises UserFacingError when there is nothing to write or a file cannot be written.
    """
    if not notices:
        raise UserFacingError(
            _(
                "There is no web address to report in this scan: notices are for images found "
                "on web pages (scan the addresses where you found them), and matches marked "
                "“Not me” are left out."
            )
        )
    now = now or datetime.now(UTC)
    stem = out_pdf.name[:-4] if out_pdf.name.lower().endswith(".pdf") else out_pdf.name
    text_path = out_pdf.with_name(stem + ".txt")
    try:
        with atomic_output(out_pdf) as tmp:
            tmp.write_bytes(notices_pdf(notices, sender, now))
        write_atomic(text_path, _all_text(notices).encode("utf-8"))
        emails = []
        for number, notice in enumerate(notices, start=1):
            path = out_pdf.with_name(f"{stem}.{number}-{_safe(notice.host)}.eml")
            write_atomic(path, _email(notice, sender, now))
            emails.append(path)
    except OSError as exc:
        raise UserFacingError(
            _(
                "The notices could not be written to {folder} ({reason}). Choose another folder."
            ).format(folder=out_pdf.parent, reason=exc.strerror or exc)
        ) from exc
    return NoticeFiles(out_pdf, text_path, tuple(emails), tuple(notices))


def _all_text(notices: list[Notice]) -> str:
    parts = [f"{_(NOT_LEGAL_ADVICE)}\n"]
    for notice in notices:
        send_to = _("Send to: {where}").format(where=notice.send_to)
        subject = _("Subject: {subject}").format(subject=notice.subject)
        rule = "=" * 72
        parts.append(f"{rule}\n{send_to}\n{subject}\n{rule}\n\n{notice.text}\n")
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


class NoticeStyles:
    """The notices' paragraph styles, built after reportlab is imported."""

    def __init__(self, fonts: ReportFonts) -> None:
        from reportlab.lib.styles import ParagraphStyle

        self.body = ParagraphStyle("body", fontName=fonts.sans, fontSize=10, leading=14)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=8.5, leading=11.5)
        self.label = self.small  # (no tables of facts in notices)
        self.heading = ParagraphStyle(
            "heading", parent=self.body, fontSize=14, leading=19, spaceAfter=6
        )
        self.section = ParagraphStyle(
            "section", parent=self.body, fontSize=10.5, textColor=_ACCENT, spaceBefore=4
        )


def notices_pdf(notices: list[Notice], sender: NoticeSender, now: datetime) -> bytes:
    """The PDF: a cover page, one page (or more) per notice, then hash-blocking and help."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, Spacer

    fonts = load_fonts()
    t = Typesetter(fonts, A4[0] - 2 * PAGE_INSET, NoticeStyles(fonts))
    s = t.styles
    story: list[Any] = [
        t.p(_("Takedown notices"), s.heading),
        t.p(
            ngettext(
                "Prepared on {day} (UTC) for {name}: {count} notice, one for each site. Send "
                "each one to the address shown above it, or paste its text into the site's "
                "report form.",
                "Prepared on {day} (UTC) for {name}: {count} notices, one for each site. Send "
                "each one to the address shown above it, or paste its text into the site's "
                "report form.",
                len(notices),
            ).format(
                day=now.astimezone(UTC).date().isoformat(), name=sender.name, count=len(notices)
            )
        ),
        Spacer(1, 8),
        t.p(_(NOT_LEGAL_ADVICE), s.small),
    ]
    with in_language(sender.language):
        headings = {_(heading) for heading in HEADINGS}
    for notice in notices:
        story += [PageBreak(), t.p(_("Notice to {host}").format(host=notice.host), s.heading)]
        where = _("Where to send it: {where}").format(where=notice.send_to)
        story += [t.p(where, s.small), Spacer(1, 8)]
        story += [t.p(_("Subject: {subject}").format(subject=notice.subject)), Spacer(1, 6)]
        for line in notice.text.split("\n"):
            label, colon, rest = line.partition(": ")
            if colon and is_web_address(rest) and " " not in rest:
                story.append(_url_line(t, label.strip() + ": ", rest))
            elif line in headings:
                story.append(t.p(line, s.section))
            else:
                story.append(t.p(line) if line else Spacer(1, 6))
    story += [PageBreak(), t.p(_("Hash-blocking and help"), s.heading)]
    directory = platform_directory()
    for service in directory.hash_blocking:
        # Translators: {service} is a name such as StopNCII.org, {url} its address; {audience}
        # says who it is for, {how} what it does.
        line = _("{service} ({url}), for {audience}: {how}").format(
            service=service.name, url=service.url, audience=_(service.audience), how=_(service.how)
        )
        story += [t.p(line), Spacer(1, 6)]
    for link in directory.help:
        story.append(t.p(f"{link.name}: {link.url}", s.small))
    info = PdfInfo(title=_("Takedown notices"), author="", subject="", creator="Likeness Guard")
    return lay_out(story, PageFrame(A4, PAGE_INSET), info)


def _url_line(t: Typesetter[NoticeStyles], label: str, url: str) -> Any:
    """`label` and the address as a link on one line: addresses are never broken across
    lines, so they can be copied whole; a long one is set smaller instead."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Paragraph

    size = 9.0
    room = t.width - stringWidth(label, t.fonts.sans, size)
    while size > 5 and stringWidth(url, t.fonts.sans, size) > room:
        size -= 0.5
    style = ParagraphStyle("url", parent=t.styles.body, fontSize=size, splitLongWords=False)
    link = link_markup(url, markup(url, t.fonts), _ACCENT)
    return Paragraph(f"{markup(label, t.fonts)}{link}", style)
