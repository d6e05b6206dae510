"""What each law a notice may cite says, under which conditions, and what it asks a valid
notice to contain.

Checked against: the TAKE IT DOWN Act (Pub. L. 119-12, section 3: a covered platform's duty
to remove within 48 hours of a valid request applies from 19 May 2026; a valid request is in
writing, signed, identifies the intimate visual depiction and where to find it, states a
good-faith belief that it is not consensual, and gives contact information); the Digital
Services Act (Regulation (EU) 2022/2065, Art. 16(2): reasons, exact URLs, name and email,
good-faith statement); Directive (EU) 2024/1385 (Art. 5 asks Member States to make the
non-consensual sharing of intimate or manipulated sexually explicit images an offence; the
transposition deadline is 14 June 2027, so it binds no one directly before national law
does); section 66B of the Sexual Offences Act 2003 (England and Wales, inserted by the
Online Safety Act 2023, in force since 31 January 2024). Each text states the condition
under which it applies instead of asserting that it does: the app cannot know whether a
site is a covered platform or which national law governs it. Not legal advice.

The legal paragraphs are marked `pgettext("legal", ...)` and used through `legal()`: a notice
shows them translated only where a person checked the translation (see
likeness_guard/locale/<language>/legal-verified.txt), else in English.
"""

from dataclasses import dataclass

from likeness_guard.core.domain.takedown import Jurisdiction
from likeness_guard.locale import LegalText, _, legal, pgettext


@dataclass(frozen=True)
class LawText:
    """What a notice under one law says, and what the law needs of it."""

    name: str  # the law, as named in a message about a missing element
    basis: LegalText  # the legal paragraph
    deadline: LegalText | None  # the sentence about when removal is due (None: none fixed)
    needs_intimate: bool  # the law concerns intimate or sexual images only


def law_text(jurisdiction: Jurisdiction) -> LawText:
    """The wording for `jurisdiction`, in the language in use."""
    if jurisdiction is Jurisdiction.US:
        return _take_it_down_act()
    if jurisdiction is Jurisdiction.EU:
        return _digital_services_act()
    if jurisdiction is Jurisdiction.UK:
        return _sexual_offences_act()
    return _own_rules()


def _take_it_down_act() -> LawText:
    return LawText(
        name=_("the TAKE IT DOWN Act"),
        basis=legal(
            lambda: pgettext(
                "legal",
                "If your service is a covered platform under section 3 of the TAKE IT DOWN "
                "Act (Public Law 119-12), this is a removal request under that section. It "
                "identifies each intimate visual depiction and where to find it, states my "
                "good-faith belief that it is not consensual, and carries my signature and "
                "contact information.",
            )
        ),
        deadline=legal(
            lambda: pgettext(
                "legal",
                "From 19 May 2026, a covered platform must remove the depictions identified "
                "in a valid request, and make reasonable efforts to identify and remove known "
                "identical copies, as soon as possible and no later than 48 hours after "
                "receiving it.",
            )
        ),
        needs_intimate=True,
    )


def _digital_services_act() -> LawText:
    return LawText(
        name=_("Article 16 of the Digital Services Act"),
        basis=legal(
            lambda: pgettext(
                "legal",
                "This is a notice under Article 16 of the Digital Services Act (Regulation "
                "(EU) 2022/2065). Sharing intimate images of a person without their consent "
                "is a criminal offence under the law of many Member States, and Directive "
                "(EU) 2024/1385 (Article 5) requires every Member State to make it one, under "
                "the conditions it sets and including images made or altered to make it "
                "appear that a person is engaged in sexually explicit activities, by 14 June "
                "2027. The "
                "images are also personal data of the person shown, published without their "
                "consent. This notice "
                "gives the reasons (Article 16(2)(a)), the exact address of each item "
                "(Article 16(2)(b)), my name and email address (Article 16(2)(c)) and my "
                "statement of good faith (Article 16(2)(d)).",
            )
        ),
        deadline=legal(
            lambda: pgettext(
                "legal",
                "A hosting service must act on this notice in a timely, diligent, "
                "non-arbitrary and objective manner (Article 16(6)).",
            )
        ),
        needs_intimate=True,
    )


def _sexual_offences_act() -> LawText:
    return LawText(
        name=_("section 66B of the Sexual Offences Act 2003"),
        basis=legal(
            lambda: pgettext(
                "legal",
                "In England and Wales, sharing an intimate photograph or film of a person "
                "without their consent, including an image made or altered by computer so "
                "that it appears to be a photograph or film, is an offence under section 66B "
                "of the Sexual Offences Act 2003 (inserted by the Online Safety Act 2023). "
                "A user-to-user service regulated by the Online Safety Act 2023 must take "
                "such illegal content down swiftly once it is aware of it.",
            )
        ),
        deadline=None,
        needs_intimate=True,
    )


def _own_rules() -> LawText:
    return LawText(
        name=_("the site's own rules"),
        basis=legal(
            lambda: pgettext(
                "legal",
                "I ask you to remove these items under your own rules: most services do not "
                "allow images of a person to be published without that person's consent.",
            )
        ),
        deadline=None,
        needs_intimate=False,
    )
