"""The words people read: one vocabulary for the window, the command line and the report."""

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from likeness_guard import locale as translation
from likeness_guard.core.domain.records import ScanStatus
from likeness_guard.core.domain.synthetic import (
    ProvenanceIndicator,
    Strength,
    SyntheticReport,
    SyntheticStatus,
)
from likeness_guard.core.domain.words import (
    NO_MARKER_CAVEAT,
    SCAN_STATUS_WORDS,
    describe_synthetic,
    images_count,
    matches_count,
    similarity_words,
)


@pytest.mark.parametrize(
    ("count", "matches", "images"),
    [(0, "0 matches", "0 images"), (1, "1 match", "1 image"), (2, "2 matches", "2 images")],
)
def test_counts_agree_in_number(count: int, matches: str, images: str) -> None:
    assert matches_count(count) == matches
    assert images_count(count) == images


def test_tables_and_sentences_made_at_import_speak_the_language_chosen_later(
    tmp_path: Path,
) -> None:
    german = Catalog(locale="de")
    german.add("finished", "beendet", context="scan status")
    german.add(NO_MARKER_CAVEAT, "Kein Hinweis auf KI gefunden.")
    german.add(("{count} match", "{count} matches"), ("{count} Treffer", "{count} Treffer"))
    (tmp_path / "de" / "LC_MESSAGES").mkdir(parents=True)
    with (tmp_path / "de" / "LC_MESSAGES" / f"{translation.DOMAIN}.mo").open("wb") as out:
        write_mo(out, german)
    no_marker = SyntheticReport(SyntheticStatus.NO_MARKER_FOUND, ())
    try:
        assert translation.use_language("de", tmp_path) == "de"
        assert SCAN_STATUS_WORDS[ScanStatus.FINISHED] == "beendet"
        assert describe_synthetic(no_marker).explanation == "Kein Hinweis auf KI gefunden."
        assert matches_count(1) == "1 Treffer"
    finally:
        translation.use_language(translation.ENGLISH)
    assert SCAN_STATUS_WORDS[ScanStatus.FINISHED] == "finished"
    assert describe_synthetic(no_marker).explanation == NO_MARKER_CAVEAT


def test_similarity_words_follow_the_threshold() -> None:
    assert similarity_words(0.62, 0.36) == "very likely you"
    assert similarity_words(0.40, 0.36) == "possibly you"
    assert similarity_words(0.40, 0.45) == "probably not you"


def _report(status: SyntheticStatus, kind: str, generator: str | None) -> SyntheticReport:
    evidence = {"generator": generator} if generator else {}
    return SyntheticReport(status, (ProvenanceIndicator(kind, Strength.DECLARED, "s", evidence),))


GENERATED, EDITED = SyntheticStatus.AI_GENERATED, SyntheticStatus.AI_EDITED


@pytest.mark.parametrize(
    ("report", "badge"),
    [
        (_report(GENERATED, "generator_metadata", "ComfyUI"), "AI settings found — ComfyUI"),
        (_report(GENERATED, "watermark", None), "AI watermark found — Stable Diffusion"),
        (_report(GENERATED, "c2pa", "Lab"), "AI-generated — Content Credentials from Lab"),
        (_report(EDITED, "c2pa", None), "AI-edited — Content Credentials"),
        (_report(EDITED, "iptc", "Tool"), "AI-edited — Tool"),
    ],
)
def test_flagged_badges_name_what_was_found(report: SyntheticReport, badge: str) -> None:
    words = describe_synthetic(report)
    assert words.flagged
    assert words.badge == badge


def test_no_marker_always_carries_the_caveat_and_unchecked_says_so() -> None:
    words = describe_synthetic(SyntheticReport(SyntheticStatus.NO_MARKER_FOUND, ()))
    assert not words.flagged
    assert words.explanation == NO_MARKER_CAVEAT
    assert "does not mean the image is real" in words.badge
    unchecked = describe_synthetic(None)
    assert unchecked.badge == "AI markers not checked"
    assert "says nothing about whether it is real" in unchecked.explanation
