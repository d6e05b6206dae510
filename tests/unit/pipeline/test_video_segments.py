"""Segments: matched frames merged into the stretches where the face was seen."""

from likeness_guard.core.domain.records import VideoSegment
from likeness_guard.core.pipeline.video_analysis import FrameResult, build_segments

THRESHOLD = 0.36


def frames(*pairs: tuple[float, float | None]) -> list[FrameResult]:
    return [FrameResult(t, s, s is not None and s >= THRESHOLD) for t, s in pairs]


def test_runs_of_matched_frames_become_segments_with_their_best_frame() -> None:
    results = frames(
        (0.0, 0.1), (0.5, None), (1.0, 0.5), (1.5, 0.7), (2.0, 0.6), (2.5, 0.1),
        (3.0, 0.2), (3.5, 0.1), (4.0, 0.9), (4.5, 0.2),
    )  # fmt: skip
    assert build_segments(results, THRESHOLD, 25.0) == (
        VideoSegment(start_s=1.0, end_s=2.04, best_similarity=0.7, best_frame_s=1.5),
        VideoSegment(start_s=4.0, end_s=4.04, best_similarity=0.9, best_frame_s=4.0),
    )


def test_one_missed_frame_within_a_second_does_not_split_a_segment() -> None:
    results = frames((1.0, 0.5), (1.5, 0.2), (2.0, 0.6), (4.0, 0.2))
    [segment] = build_segments(results, THRESHOLD, None)
    assert (segment.start_s, segment.end_s) == (1.0, 2.0)


def test_sparse_samples_next_to_each_other_are_one_segment() -> None:
    # One frame every 2.25 s (a long video under the cap): adjacent matches still join.
    results = frames((0.0, 0.1), (2.25, 0.5), (4.5, 0.6), (6.75, 0.1))
    [segment] = build_segments(results, THRESHOLD, 30.0)
    assert segment.start_s == 2.25
    assert segment.end_s == 4.533


def test_no_match_no_segment() -> None:
    assert build_segments(frames((0.0, 0.1), (0.5, None)), THRESHOLD, 25.0) == ()
