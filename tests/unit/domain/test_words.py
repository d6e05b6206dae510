"""The words people read: one vocabulary for the window, the command line and the report."""

import pytest

from likeness_guard.core.domain.synthetic import (
    ProvenanceIndicator,
    Strength,
    SyntheticReport,
    SyntheticStatus,
)
from likeness_guard.core.domain.words import (
    NO_MARKER_CAVEAT,
    counted,
    describe_synthetic,
    similarity_words,
)


@pytest.mark.parametrize(
    ("count", "expected"), [(0, "0 matches"), (1, "1 match"), (2, "2 matches")]
)
def test_counts_agree_in_number(count: int, expected: str) -> None:
    assert counted(count, "match", "matches") == expected
    assert counted(1, "file") == "1 file"


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
