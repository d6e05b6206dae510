"""The report in another language than the app's: every sentence of the PDF through the
translation layer (checked in a pseudo-language), the manifest in English, the English report
unchanged, and Hindi and Arabic printed as text."""

import io
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from pypdf import PdfReader

from likeness_guard import locale as translation
from likeness_guard.core.report import build_report
from likeness_guard.core.report.fonts import load_fonts
from likeness_guard.core.report.pages import lay_out_report
from likeness_guard.core.report.prepare import PreparedReport, prepare_report
from likeness_guard.core.storage.store import Store
from tests.catalog_tools import PSEUDO, compile_pseudo_language, packaging_script
from tests.unit.locale.test_translation_layer import write_catalog

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 5, 20, 14, 30, tzinfo=UTC)

# What may stay in Latin letters in the PDF: data, recognised by its shape.
_DATA = [
    re.compile(p)
    for p in (
        r"[^\s⟦⟧]*[/\\][^\s⟦⟧]*",  # paths and web addresses
        r"[\w.-]+\.(?:jpg|png|pdf|json|onnx)\b",  # file names
        r"\b[0-9a-f]{12,}\b",  # SHA-256s, PDQs and their prefixes
        r"\b(?:[0-9a-f]{4} ){15}[0-9a-f]{4}\b",  # the certificate's fingerprint, spaced
        r"\b\d{4}-\d\d-\d\d(?:[T ][\d:]+Z?)?(?: UTC)?",  # dates and times (UTC)
        r"\bLikeness Guard(?: [\d.]+\w*)?",  # the app's name and version
        r"\b(?:SHA-256|PDQ|MD5|EXIF|HTTP|UTC)\b",  # the names of hashes
        r"(?i)\b(?:jpeg|png|webp|gif|mp4)\b",  # image and video formats
        r"\bbuffalo_[sl]\b",  # the model pack's name
        r"\bme\b",  # the profile's name
    )
]


def english_left(text: str) -> list[str]:
    """The lines of `text` that hold English once the data is taken out."""
    for pattern in _DATA:
        text = pattern.sub(" ", text)
    text = text.replace("⟦", " ").replace("⟧", " ")
    return [line for line in text.splitlines() if re.search(r"[A-Za-z]", line)]


@pytest.fixture(scope="module")
def pseudo_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package's sentences compiled as the pseudo-language (the app stays English)."""
    folder = tmp_path_factory.mktemp("catalogs")
    compile_pseudo_language(folder)
    return folder


@pytest.fixture
def pseudo(pseudo_folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(translation, "CATALOGS", pseudo_folder)
    translation.use_language(translation.ENGLISH)
    yield pseudo_folder
    translation.use_language(translation.ENGLISH)


def pdf_text(data: bytes) -> str:
    """The PDF's text; the pseudo-language's ⟦ ⟧ (in no embedded font) come out as NULs."""
    pages = PdfReader(io.BytesIO(data)).pages
    return "\n".join(page.extract_text() for page in pages).replace("\x00", " ")


def font_names(data: bytes) -> set[str]:
    """The names of the fonts the PDF's pages use."""
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        resources: Any = page["/Resources"].get_object()
        fonts = resources.get("/Font", {})
        names |= {str(font.get_object()["/BaseFont"]) for font in fonts.values()}
    return names


def fixed(prepared: PreparedReport) -> PreparedReport:
    """The report's changing facts (times) fixed, so that two layouts can be compared."""
    prepared.now = NOW
    prepared.scan = replace(prepared.scan, started_at="2026-05-20T14:00:00Z")
    prepared.scan = replace(prepared.scan, finished_at="2026-05-20T14:01:00Z")
    for entry in prepared.entries:
        if entry.item.file is not None:
            file = replace(entry.item.file, modified_at="2026-05-01T00:00:00Z")
            entry.item = replace(entry.item, file=file)
    return prepared


def test_a_report_in_the_pseudo_language_has_no_english_outside_data(
    pseudo: Path, report_store: tuple[Store, int], tmp_path: Path
) -> None:
    store, scan_id = report_store
    result = build_report(store, scan_id, tmp_path / "r.pdf", language=PSEUDO, page_size="A4")
    text = pdf_text(result.pdf_path.read_bytes())
    assert len(re.findall("[àéîöûŧñšĝ]", text)) > 1000  # the report's sentences, translated
    assert english_left(text) == [], "\n".join(english_left(text))
    assert translation.current_language() == translation.ENGLISH  # the app's is unchanged
    # The manifest is data: the same English words whatever the PDF's language.
    manifest = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    assert manifest["selection"] == "all matches not marked “not me”"
    assert {item["similarity_words"] for item in manifest["items"]} <= {
        "very likely you",
        "possibly you",
    }
    assert all(item["reference"]["source_name"].startswith("reference photo") for item in
               manifest["items"])  # fmt: skip


def test_the_english_report_is_the_same_whatever_language_the_app_speaks(
    pseudo: Path, report_store: tuple[Store, int]
) -> None:
    from reportlab import rl_config

    store, scan_id = report_store
    invariant = rl_config.invariant
    rl_config.invariant = 1  # no random document id: the same facts give the same bytes
    try:
        english = lay_out_report(fixed(prepare_report(store, scan_id)), "ab" * 32).pdf
        translation.use_language(PSEUDO)
        asked = fixed(prepare_report(store, scan_id, language=translation.ENGLISH))
        with translation.in_language(translation.ENGLISH):
            again = lay_out_report(asked, "ab" * 32).pdf
        pseudo_pdf = lay_out_report(fixed(prepare_report(store, scan_id)), "ab" * 32).pdf
    finally:
        rl_config.invariant = invariant
    assert again == english
    assert pseudo_pdf != english  # the app's language is the default, and it is not English
    assert "Evidence report" in pdf_text(english)


def test_hindi_and_arabic_sentences_print_as_text(
    report_store: tuple[Store, int], tmp_path: Path
) -> None:
    """Devanagari from the embedded Noto Sans, shaped by HarfBuzz; Arabic shaped and laid out
    right to left. Both are text in the PDF, not pictures or empty boxes."""
    assert load_fonts().missing("साक्ष्य रिपोर्ट तقرير الأدلة") == set()
    hindi, arabic = Catalog(locale="hi"), Catalog(locale="ar")
    hindi.add("Evidence report", "साक्ष्य रिपोर्ट")
    hindi.add("Summary of matches", "मिलानों का सारांश")
    arabic.add("Evidence report", "تقرير الأدلة")
    write_catalog(tmp_path / "catalogs", "hi", hindi)
    write_catalog(tmp_path / "catalogs", "ar", arabic)
    store, scan_id = report_store
    try:
        translation.use_language("en", tmp_path / "catalogs")
        texts = {}
        for code in ("hi", "ar"):
            out = tmp_path / f"{code}.pdf"
            build_report(store, scan_id, out, language=code, page_size="A4")
            data = out.read_bytes()
            texts[code] = pdf_text(data)
            assert font_names(data)  # (Noto Sans draws Devanagari; Noto Sans Arabic, Arabic)
    finally:
        translation.use_language("en")
    # Letters HarfBuzz keeps as they are come out as themselves; a conjunct or a vowel sign
    # drawn before its consonant is one glyph of its own (copied as a private-use character).
    assert "का सारांश" in texts["hi"]
    # Arabic comes out in joined presentation forms, in display order: compare letters.
    import unicodedata

    shown = unicodedata.normalize("NFKC", texts["ar"])
    assert "الأدلة" in shown or "ةلدلأا" in shown


def test_a_long_arabic_paragraph_is_broken_into_lines_in_reading_order() -> None:
    """reportlab breaks a paragraph's lines from the left of the text it is given; Arabic put
    in display order first would start with its last words. Lines are broken first."""
    from likeness_guard.core.report.flowables import ReportStyles, Typesetter

    fonts = load_fonts()
    t = Typesetter(fonts, 400, ReportStyles(fonts))
    words = "يسرد هذا التقرير الصور التي يشبه فيها وجه ما الصور المرجعية للشخص المذكور أعلاه"
    flow = t.p(words)
    _width, height = flow.wrap(120, 1000)
    lines = list(flow._lines(120))
    assert len(lines) > 2
    assert height > 2 * t.styles.body.leading
    assert lines[0].startswith("يسرد")  # the first words, on the first line
    assert " ".join(lines) == words
    assert flow.style.alignment == 2  # right-aligned: it reads from the right
    latin = t.p("Prepared for مريم أحمد")  # a Latin sentence holding an Arabic name
    assert latin.style.alignment == t.styles.body.alignment
    assert not hasattr(latin, "_lines")  # a plain paragraph, laid out as before


def test_the_command_line_writes_the_report_in_the_language_asked_for(
    pseudo: Path, scanned_data: Any, tmp_path: Path
) -> None:
    """`report --language xx`: the PDF in that language, the command's own words in the
    app's (English here): the option after the command is not the app's --language."""
    import contextlib

    from likeness_guard.main import main

    data = tmp_path / "data"
    shutil.copytree(scanned_data.folder, data)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        argv = ["--data-dir", str(data), "report", "--out", str(tmp_path / "r.pdf")]
        assert main([*argv, "--language", PSEUDO]) == 0
    assert translation.current_language() == translation.ENGLISH
    assert "Manifest: " in out.getvalue()  # the command speaks the app's language
    text = pdf_text((tmp_path / "r.pdf").read_bytes())
    assert "Evidence report" not in text
    assert packaging_script("catalogs").pseudo("Summary of matches").strip("⟦⟧") in text
