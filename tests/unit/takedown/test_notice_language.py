"""Notices in their recipient's language: every sentence through the translation layer (checked
in a pseudo-language), the legal paragraphs translated only where a person checked the
translation, else in English with a translated sentence saying why."""

import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from pypdf import PdfReader

from likeness_guard import locale as translation
from likeness_guard.core.domain.takedown import Jurisdiction
from likeness_guard.core.takedown.notice_files import write_notices
from likeness_guard.core.takedown.notices import NoticeEntry, NoticeSender, build_notices
from likeness_guard.core.takedown.platforms import platform_directory
from tests.catalog_tools import PSEUDO, compile_pseudo_language, packaging_script
from tests.unit.locale.test_translation_layer import write_catalog
from tests.unit.takedown.test_notices import entry

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
GOOD_FAITH = (
    "I state in good faith that the information and allegations in this notice are accurate "
    "and complete."
)
GOOD_FAITH_DE = (
    "Ich versichere nach Treu und Glauben, dass die Angaben richtig und vollständig sind."
)


@pytest.fixture(scope="module")
def pseudo_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The package's sentences as the pseudo-language, and the English legal sentences."""
    folder = tmp_path_factory.mktemp("catalogs")
    template = compile_pseudo_language(folder).extract()
    legal = []
    for message in template:
        if message.context == "legal":
            legal += list(message.id) if isinstance(message.id, tuple) else [message.id]
    return folder, legal


@pytest.fixture
def pseudo(
    pseudo_folder: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Path, list[str]]]:
    """The app speaks the pseudo-language, as do the notices' recipients."""
    monkeypatch.setattr(translation, "CATALOGS", pseudo_folder[0])
    translation.use_language(PSEUDO)
    yield pseudo_folder
    translation.use_language(translation.ENGLISH)
    (pseudo_folder[0] / PSEUDO / translation.LEGAL_VERIFIED).unlink(missing_ok=True)


def entries() -> list[NoticeEntry]:
    return [
        entry("https://i.redd.it/x.jpg", altered=True, no_consent_to_creation=True),
        entry("https://example.org/b.jpg", page_url="https://example.org/page", confirmed=False),
        entry("https://example.org/v.mp4", ai_marker="⟦ÀÎ⟧", video_duration_s=12.0),
    ]


def sender(language: str, jurisdiction: Jurisdiction = Jurisdiction.US) -> NoticeSender:
    return NoticeSender(
        "Sam Sender", "sam@example.org", jurisdiction, on_behalf_of="Jo", language=language
    )


# Data a notice may hold in Latin letters: the signer's and the person's names, addresses,
# hashes, dates, names of sites, services and helplines, and the names of hashes.
_DIRECTORY = platform_directory()
_NAMES = sorted(
    {
        "Sam Sender",
        "Jo",
        *(p.name for p in _DIRECTORY.platforms),
        *(s.name for s in _DIRECTORY.hash_blocking),
        *(h.name for h in _DIRECTORY.help),
    },
    key=len,
    reverse=True,
)
_DATA = [
    re.compile(p)
    for p in (
        r"\S+@\S+",  # email addresses
        r"[^\s⟦⟧]*[/\\][^\s⟦⟧]*",  # web addresses
        r"\b[0-9a-f]{12,}\b",  # hashes
        r"\b\d{4}-\d\d-\d\d(?:T[\d:]+Z)?",  # dates
        r"\b(?:SHA-256|MD5|PDQ|UTC)\b",
        r"\bLikeness Guard\b",
        r"\b[\w.-]+\.(?:org|com|net|it|jpg|mp4)\b",  # hosts and file names
        *(rf"(?<!\w){re.escape(name)}(?!\w)" for name in _NAMES),
    )
]


def english_left(text: str) -> list[str]:
    for pattern in _DATA:
        text = pattern.sub(" ", text)
    text = text.replace("⟦", " ").replace("⟧", " ").replace("\x00", " ")
    return [line for line in text.splitlines() if re.search("[A-Za-z]", line)]


@pytest.mark.parametrize("jurisdiction", list(Jurisdiction))
def test_unchecked_legal_paragraphs_stay_english_after_a_translated_note(
    pseudo: tuple[Path, list[str]], jurisdiction: Jurisdiction
) -> None:
    tool = packaging_script("catalogs")
    note = tool.pseudo(
        "The following legal statement is in English, because no checked translation of it "
        "into this language exists yet:"
    )
    legal = set(pseudo[1])
    for notice in build_notices(entries(), sender(PSEUDO, jurisdiction), NOW):
        lines = notice.text.splitlines()
        english = [line for line in lines if english_left(line)]
        # Every English line is a legal paragraph, each one after the note.
        assert english
        for line in english:
            before = lines[lines.index(line) - 1]
            assert before == note, line
            assert any(sentence.split("{")[0] in line for sentence in legal), line
        assert "/s/ Sam Sender" in lines  # the signature itself is the signer's name


def test_checked_legal_paragraphs_are_translated_and_nothing_is_english(
    pseudo: tuple[Path, list[str]], tmp_path: Path
) -> None:
    folder, legal = pseudo
    (folder / PSEUDO / translation.LEGAL_VERIFIED).write_text("\n".join(legal), encoding="utf-8")
    for jurisdiction in Jurisdiction:
        for notice in build_notices(entries(), sender(PSEUDO, jurisdiction), NOW):
            assert english_left(notice.subject) == []
            assert english_left(notice.text) == [], notice.text
    # The files, around the notices too (in the app's language: here also the pseudo one).
    files = write_notices(
        build_notices(entries(), sender(PSEUDO), NOW), sender(PSEUDO), tmp_path / "n.pdf", NOW
    )
    pdf = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(files.pdf.read_bytes())).pages)
    assert len(re.findall("[àéîöûŧñšĝ]", pdf)) > 500
    assert english_left(pdf) == [], "\n".join(english_left(pdf))
    assert english_left(files.text.read_text(encoding="utf-8")) == []


def test_a_real_catalog_legal_sentence_needs_checking_before_it_is_used(tmp_path: Path) -> None:
    german = Catalog(locale="de")
    german.add(GOOD_FAITH, GOOD_FAITH_DE, context="legal")
    german.add(
        "The following legal statement is in English, because no checked translation of it "
        "into this language exists yet:",
        "Die folgende rechtliche Erklärung ist auf Englisch, weil es noch keine geprüfte "
        "Übersetzung gibt:",
    )
    write_catalog(tmp_path, "de", german)
    translation.use_language("en", tmp_path)
    try:
        (notice,) = build_notices(entries()[:1], sender("de", Jurisdiction.OTHER), NOW)
        assert GOOD_FAITH_DE not in notice.text
        assert "Die folgende rechtliche Erklärung ist auf Englisch" in notice.text
        assert GOOD_FAITH in notice.text
        (tmp_path / "de" / translation.LEGAL_VERIFIED).write_text(
            f"# checked\n{GOOD_FAITH}\n", encoding="utf-8"
        )
        (notice,) = build_notices(entries()[:1], sender("de", Jurisdiction.OTHER), NOW)
        assert GOOD_FAITH_DE in notice.text
        assert GOOD_FAITH not in notice.text
        assert "Die folgende rechtliche Erklärung" not in notice.text
        (english,) = build_notices(entries()[:1], sender("en", Jurisdiction.OTHER), NOW)
        assert "Die folgende" not in english.text  # English notices have no note
    finally:
        translation.use_language("en")


def test_a_checked_legal_paragraph_is_translated(tmp_path: Path) -> None:
    german = Catalog(locale="de")
    german.add("Signed electronically,", "Elektronisch unterzeichnet,", context="legal")
    write_catalog(tmp_path, "de", german)
    translation.use_language("en", tmp_path)
    try:
        (notice,) = build_notices(entries()[:1], sender("de"), NOW)
        assert "Elektronisch unterzeichnet," not in notice.text.splitlines()
        assert "Signed electronically," in notice.text.splitlines()
        (tmp_path / "de" / translation.LEGAL_VERIFIED).write_text(
            "Signed electronically,\n", encoding="utf-8"
        )
        (notice,) = build_notices(entries()[:1], sender("de"), NOW)
        assert "Elektronisch unterzeichnet," in notice.text.splitlines()
        assert "Signed electronically," not in notice.text.splitlines()
        assert translation.current_language() == "en"  # the app's own language is unchanged
    finally:
        translation.use_language("en")


def test_a_paragraph_is_never_half_translated() -> None:
    from likeness_guard.core.takedown.notice_wording import legal_paragraph
    from likeness_guard.locale import LegalText

    checked = LegalText("Geprüft, {person}.", "Checked, {person}.", checked=True)
    unchecked = LegalText("Ungeprüft.", "Unchecked.", checked=False)
    assert legal_paragraph([checked], person="Jo") == ["Geprüft, Jo."]
    note, english = legal_paragraph([checked, unchecked], person="Jo")
    assert english == "Checked, Jo. Unchecked."
    assert note.startswith("The following legal statement is in English")


def test_every_sentence_of_the_platform_directory_is_marked_for_the_catalogs() -> None:
    """platforms.json is data the catalog tools do not read: its sentences are listed in
    platform_texts.py, which must say the same (change both together)."""
    from likeness_guard.core.takedown.platform_texts import PLATFORM_TEXTS

    shown = [p.how for p in _DIRECTORY.platforms]
    shown += [text for s in _DIRECTORY.hash_blocking for text in (s.audience, s.how)]
    assert sorted(PLATFORM_TEXTS) == sorted(shown)
