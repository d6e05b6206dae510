"""The wording of a takedown notice, section by section, in whole translated sentences.

The signer speaks in the first person; when they act for the person shown, the sentences
about consent name that person instead. Every statement about an item is one the person
made (`ItemStatements`); the app adds only facts it measured (addresses, hashes, times,
markers found in the file), each labelled as such.

The notice is written in the language in use (its recipient's, chosen with `in_language`).
Legal paragraphs (the law's basis and deadline, the signer's statements, the signature) are
translated only where a person checked the translation; otherwise they stay in English,
after a translated sentence that says why (`legal_paragraph`).
"""

from datetime import UTC, datetime

from likeness_guard.core.domain.chat import ChatOrigin
from likeness_guard.core.domain.words import moment, recheck_words
from likeness_guard.core.takedown.entries import NoticeEntry, NoticeSender
from likeness_guard.core.takedown.laws import law_text
from likeness_guard.core.takedown.platforms import Platform
from likeness_guard.locale import N_, LegalText, _, legal, ngettext, npgettext, pgettext

# The headings of a notice's sections (the PDF sets them apart).
CONTENT = N_("CONTENT TO REMOVE")
WHY = N_("WHY THESE ITEMS SHOULD BE REMOVED")
STATEMENT = N_("STATEMENT")
ASK = N_("WHAT I ASK")
EVIDENCE = N_("EVIDENCE")
HEADINGS = (CONTENT, WHY, STATEMENT, ASK, EVIDENCE)


def legal_paragraph(sentences: list[LegalText], **values: str) -> list[str]:
    """The lines of a legal paragraph: its sentences (with `values` put in) translated when
    every one was checked, else all in English after a translated line that says why."""
    if all(sentence.checked for sentence in sentences):
        return [" ".join(s.translated for s in sentences).format(**values)]
    english = " ".join(s.english for s in sentences).format(**values)
    return [
        # Translators: said before a legal paragraph left in English in a translated notice.
        _(
            "The following legal statement is in English, because no checked translation of "
            "it into this language exists yet:"
        ),
        english,
    ]


def subject_line(host: str, group: list[NoticeEntry]) -> str:
    """The email subject: what is asked, how many addresses, which site."""
    if all(entry.intimate for entry in group):
        sentence = ngettext(
            "Removal request: intimate images published without consent "
            "({count} address on {host})",
            "Removal request: intimate images published without consent "
            "({count} addresses on {host})",
            len(group),
        )
    else:
        sentence = ngettext(
            "Removal request: images published without consent ({count} address on {host})",
            "Removal request: images published without consent ({count} addresses on {host})",
            len(group),
        )
    return sentence.format(count=len(group), host=host)


def opening_lines(
    host: str, platform: Platform | None, entries: list[NoticeEntry], sender: NoticeSender
) -> list[str]:
    """The greeting, what is asked, and the heading of the list."""
    who = platform.name if platform else _("the operator of {host}").format(host=host)
    person = sender.on_behalf_of or sender.name
    if sender.on_behalf_of:
        ask = _(
            "I am writing on behalf of {person}, who has authorised me to act for them, to ask "
            "you to remove the items listed below, which show them and were published on your "
            "service without their consent."
        ).format(person=person)
    else:
        ask = _(
            "I am writing to ask you to remove the items listed below, which show me and were "
            "published on your service without my consent."
        )
    count = len(entries)
    if all(entry.confirmed for entry in entries):
        listing = ngettext(
            "The following item shows {person}.",
            "The following {count} items show {person}.",
            count,
        )
    else:
        listing = ngettext(
            "I believe the following item shows {person}; it is marked below as not yet "
            "confirmed one by one.",
            "I believe the following {count} items show {person}; those not yet confirmed one "
            "by one are marked below.",
            count,
        )
    return [
        _("To the trust and safety team of {who},").format(who=who),
        "",
        ask,
        "",
        _(CONTENT),
        listing.format(count=count, person=person)
        + " "
        + _(
            "Each is listed with its address (and every address it redirects through), the "
            "page where it appears, and the hashes of the exact file, so that you can find it "
            "and any copies."
        ),
    ]


def entry_lines(number: int, entry: NoticeEntry, sender: NoticeSender) -> list[str]:
    """One item to remove: where it is, what it is, its hashes, and what became of it."""
    lines = [_("{number}. Address: {url}").format(number=number, url=entry.url)]
    chain = [hop for hop in entry.redirects if hop != entry.served_from]
    if chain or entry.served_from != entry.url:
        lines += [_("   Redirects through: {url}").format(url=hop) for hop in chain[1:]]
        lines.append(_("   Served from: {url}").format(url=entry.served_from))
    if entry.chat is not None:
        lines += [f"   {line}" for line in chat_lines(entry.chat)]
    else:
        lines.append(
            _("   Found on page: {url}").format(url=entry.page_url)
            if entry.page_url
            else _("   Found at the address itself, not on a page.")
        )
    lines += [f"   {line}" for line in _what_it_is(entry, sender)]
    lines.append(_("   SHA-256 of the file: {hash}").format(hash=entry.sha256))
    if entry.md5:
        lines.append(_("   MD5 of the file: {hash}").format(hash=entry.md5))
    if entry.pdq and entry.is_video:
        at = moment(entry.frame_s) if entry.frame_s is not None else "?"
        lines.append(
            _("   PDQ of one frame (at {time}), not of the file: {hash}").format(
                time=at, hash=entry.pdq
            )
        )
    elif entry.pdq:
        lines.append(_("   PDQ of the picture: {hash}").format(hash=entry.pdq))
    if entry.retrieved_at:
        lines.append(_("   Retrieved: {when}").format(when=entry.retrieved_at))
    return lines + [f"   {line}" for line in history_lines(entry, sender)]


def chat_lines(chat: ChatOrigin) -> list[str]:
    """Where a chat export's picture was posted: the chat, the message, when and by whom
    (as the export shows them; the message link is the item's address)."""
    lines = [
        _("Posted in {chat} on {platform}, message number {message}.").format(
            chat=chat.chat_name, platform=chat.platform.display_name, message=chat.message_id
        )
    ]
    if chat.posted_at:
        lines.append(_("Posted at: {when} (UTC)").format(when=chat.posted_at))
    if chat.sender:
        lines.append(
            _("Sent by: {sender} (as the chat export shows it)").format(sender=chat.sender)
        )
    return lines


def _what_it_is(entry: NoticeEntry, sender: NoticeSender) -> list[str]:
    """A video's length and moments; what the person states; a marker found in the file."""
    person = sender.on_behalf_of or sender.name
    lines = []
    if entry.is_video:
        moments = "; ".join(
            _("{start} to {end}").format(start=moment(m.start_s), end=moment(m.end_s))
            for m in entry.moments
        )
        length = moment(entry.video_duration_s) if entry.video_duration_s is not None else "?"
        lines.append(
            _("A video ({length} long); {person} appears at {moments}.").format(
                length=length, person=person, moments=moments or "?"
            )
        )
    if not entry.confirmed:
        lines.append(_("Not yet confirmed one by one: the app found a close resemblance."))
    if entry.intimate:
        lines.append(_("I state that this item is intimate or sexual."))
    if entry.altered:
        lines.append(
            _("I state that this item was made or altered to show {person}.").format(person=person)
        )
    if entry.ai_marker:
        lines.append(
            _("Evidence: the file itself carries a marker of AI generation: {marker}.").format(
                marker=entry.ai_marker
            )
        )
    return lines


def history_lines(entry: NoticeEntry, sender: NoticeSender) -> list[str]:
    """What became of the item so far: re-checks of this address, and the person's other
    reports only when they asked for them to be mentioned."""
    lines = []
    if sender.mention_reports:
        lines += [
            _("Reported to {where} on {when}").format(where=r.reported_to, when=r.reported_on)
            for r in entry.requests
        ]
    if entry.rechecks:
        last = entry.rechecks[-1]
        lines.append(
            _("Checked again on {when}: {what}").format(
                when=last.checked_at, what=recheck_words(last)
            )
        )
    return lines


def _numbers(entries: list[NoticeEntry], wanted: list[bool]) -> tuple[int, str]:
    chosen = [str(n) for n, (_entry, yes) in enumerate(zip(entries, wanted, strict=True), 1) if yes]
    return len(chosen), ", ".join(chosen)


def _reasons(entries: list[NoticeEntry], sender: NoticeSender) -> list[str]:
    """Why the items should go: what the person stated, item by item."""
    person = sender.on_behalf_of or sender.name
    intimate_count, intimate = _numbers(entries, [e.intimate for e in entries])
    if intimate_count == len(entries):
        why = (
            _("These are intimate or sexual images of {person}, published without their consent.")
            if sender.on_behalf_of
            else _("These are intimate or sexual images of me, published without my consent.")
        ).format(person=person)
    else:
        why = (
            _("These items show {person} and were published without their consent.")
            if sender.on_behalf_of
            else _("These items show me and were published without my consent.")
        ).format(person=person)
        if intimate_count:
            why += " " + ngettext(
                "Item {numbers} is intimate or sexual.",
                "Items {numbers} are intimate or sexual.",
                intimate_count,
            ).format(numbers=intimate)
    altered_count, altered = _numbers(entries, [e.altered for e in entries])
    if altered_count:
        why += " " + ngettext(
            "Item {numbers} was made or altered to show {person}.",
            "Items {numbers} were made or altered to show {person}.",
            altered_count,
        ).format(numbers=altered, person=person)
    basis = legal_paragraph([law_text(sender.jurisdiction).basis])
    return [_(WHY), why, *basis]


def _statement(entries: list[NoticeEntry], sender: NoticeSender) -> list[str]:
    """Who the signer is, the consent statements, and good faith: one legal paragraph."""
    person = sender.on_behalf_of or sender.name
    if sender.on_behalf_of:
        who = legal(
            lambda: pgettext(
                "legal",
                "I am authorised to act on behalf of {person}, the person shown in these items.",
            )
        )
        publication = legal(
            lambda: pgettext("legal", "{person} did not consent to the publication of these items.")
        )
    else:
        if all(entry.confirmed for entry in entries):
            who = legal(lambda: pgettext("legal", "I am the person shown in these items."))
        else:
            who = legal(
                lambda: pgettext(
                    "legal",
                    "I am the person shown in the items I have confirmed; the others, marked "
                    "above, closely resemble me, and I ask you to check them.",
                )
            )
        publication = legal(
            lambda: pgettext("legal", "I did not consent to the publication of these items.")
        )
    sentences = [who, publication]
    created_count, created = _numbers(entries, [e.no_consent_to_creation for e in entries])
    if created_count:
        sentences.append(_creation(created_count, bool(sender.on_behalf_of)))
    if any(entry.intimate for entry in entries):
        sentences.append(
            legal(
                lambda: pgettext(
                    "legal",
                    "I have a good-faith belief that each intimate image identified in this "
                    "notice is not consensual.",
                )
            )
        )
    sentences.append(
        legal(
            lambda: pgettext(
                "legal",
                "I state in good faith that the information and allegations in this notice are "
                "accurate and complete.",
            )
        )
    )
    return legal_paragraph(sentences, person=person, numbers=created)


def _creation(count: int, on_behalf: bool) -> LegalText:
    """The statement that the person did not consent to the items' creation."""
    if on_behalf:
        return legal(
            lambda: npgettext(
                "legal",
                "{person} did not consent to the creation of item {numbers}.",
                "{person} did not consent to the creation of items {numbers}.",
                count,
            )
        )
    return legal(
        lambda: npgettext(
            "legal",
            "I did not consent to the creation of item {numbers}.",
            "I did not consent to the creation of items {numbers}.",
            count,
        )
    )


def request_lines(entries: list[NoticeEntry], sender: NoticeSender, now: datetime) -> list[str]:
    """Why the items should go, the statements, what is asked, and the signature."""
    ask = _(
        "Please remove the items listed above and any identical copies on your service, and "
        "confirm to me by email when this is done."
    )
    deadline = law_text(sender.jurisdiction).deadline
    asked = [ask]
    if deadline is not None:
        due = legal_paragraph([deadline])
        asked = [f"{ask} {due[0]}"] if len(due) == 1 else [ask, *due]
    signed = legal(lambda: pgettext("legal", "Signed electronically,"))
    return [
        "",
        *_reasons(entries, sender),
        "",
        _(STATEMENT),
        *_statement(entries, sender),
        "",
        _(ASK),
        *asked,
        "",
        _(EVIDENCE),
        _(
            "The SHA-256 of each file is listed above. I can provide copies of the files and of "
            "the pages as they were retrieved on request."
        ),
        "",
        *legal_paragraph([signed]),
        f"/s/ {sender.name}",
        _("Date: {date}").format(date=now.astimezone(UTC).date().isoformat()),
        _("Contact: {email}").format(email=sender.contact_email),
    ]
