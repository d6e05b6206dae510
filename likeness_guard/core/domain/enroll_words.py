"""What a user reads while enrolling: the advice, where each face of a group photo is, and
what each reference photo adds (part of the one vocabulary: re-exported by
core.domain.words)."""

from likeness_guard.locale import N_, _, pgettext

ENROLL_ADVICE = N_(
    "Best results come from the exact photos you fear were misused, and from several "
    "different photos of you (other days, light and angles)."
)
# Cosine similarity between two of a person's own reference photos. Different photos of one
# person usually score 0.45-0.85 and copies of one photo above 0.9; different people at most
# about 0.3.
REFERENCE_VERY_LIKE = 0.80
REFERENCE_NEW_VIEW = 0.60
REFERENCE_UNLIKE = 0.30


def reference_adds_words(best_similarity: float | None, closest_number: int | None) -> str:
    """What one reference photo adds, from its best similarity to the person's other photos.

    `closest_number` is the 1-based number (in My photos order) of the most similar other
    photo; `best_similarity` is None when it is the only photo.
    """
    if best_similarity is None or closest_number is None:
        return _("your only photo so far — add a few different photos of your face")
    score = f"{best_similarity:.2f}"
    if best_similarity < REFERENCE_UNLIKE:
        # Translators: said of one of the person's reference photos; {score} is a similarity
        # such as 0.72, {number} the number of another of their photos in the list.
        return _(
            "does not look like your other photos (at most {score}) — check that this "
            "face is you, and remove it if not"
        ).format(score=score)
    if best_similarity < REFERENCE_NEW_VIEW:
        return _("adds a new view of your face (at most {score} to your other photos)").format(
            score=score
        )
    if best_similarity < REFERENCE_VERY_LIKE:
        return _("adds some variety ({score} to your photo {number})").format(
            score=score, number=closest_number
        )
    return _(
        "very like your other photo {number} ({score}), so it adds little — a "
        "different photo of you would help more"
    ).format(score=score, number=closest_number)


def face_position_words(
    bbox: tuple[float, float, float, float], image_width: int, image_height: int
) -> str:
    """Where a face is in a photo, in plain words ("top left", "middle", "bottom right")."""
    centre_x = (bbox[0] + bbox[2]) / 2 / max(image_width, 1)
    centre_y = (bbox[1] + bbox[3]) / 2 / max(image_height, 1)
    row = 0 if centre_y < 1 / 3 else 2 if centre_y > 2 / 3 else 1
    column = 0 if centre_x < 1 / 3 else 2 if centre_x > 2 / 3 else 1
    return _face_positions()[row][column]


def _face_positions() -> tuple[tuple[str, str, str], ...]:
    """Where in a photo a face is, by row (top, middle, bottom) and column."""
    # The context is a literal in each call: the catalog tools read it from the source.
    return (
        (
            pgettext("face position", "top left"),
            pgettext("face position", "top"),
            pgettext("face position", "top right"),
        ),
        (
            pgettext("face position", "left"),
            pgettext("face position", "middle"),
            pgettext("face position", "right"),
        ),
        (
            pgettext("face position", "bottom left"),
            pgettext("face position", "bottom"),
            pgettext("face position", "bottom right"),
        ),
    )
