"""The words for enrollment: what a reference adds, and where a face is in a photo."""

import pytest

from likeness_guard.core.domain.words import face_position_words, reference_adds_words


@pytest.mark.parametrize(
    ("similarity", "expected"),
    [
        (
            0.12,
            "does not look like your other photos (at most 0.12) — check that this face is "
            "you, and remove it if not",
        ),
        (0.45, "adds a new view of your face (at most 0.45 to your other photos)"),
        (0.70, "adds some variety (0.70 to your photo 3)"),
        (
            0.91,
            "very like your other photo 3 (0.91), so it adds little — a different photo of "
            "you would help more",
        ),
    ],
)
def test_what_a_reference_adds(similarity: float, expected: str) -> None:
    assert reference_adds_words(similarity, 3) == expected


def test_the_only_reference() -> None:
    assert reference_adds_words(None, None) == (
        "your only photo so far — add a few different photos of your face"
    )


@pytest.mark.parametrize(
    ("bbox", "expected"),
    [
        ((10, 10, 40, 40), "top left"),
        ((450, 10, 490, 40), "top right"),
        ((230, 230, 270, 270), "middle"),
        ((230, 450, 270, 490), "bottom"),
        ((10, 230, 40, 270), "left"),
    ],
)
def test_face_position(bbox: tuple[float, float, float, float], expected: str) -> None:
    assert face_position_words(bbox, 500, 500) == expected
