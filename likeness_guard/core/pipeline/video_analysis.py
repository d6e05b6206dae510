"""A clip's sampled frames through the face models: matches, segments and the best frame.

Every sampled frame goes through the same detector, recognizer and threshold as a still
image. Matched frames next to each other become segments; the frame with the highest
similarity is the item's picture: its faces are kept, and its PDQ hash is taken.
"""

import logging
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np

from likeness_guard.core.domain.records import (
    FaceHit,
    ItemStatus,
    ScanItem,
    VideoFacts,
    VideoSegment,
    VideoStop,
)
from likeness_guard.core.domain.thresholds import match_threshold
from likeness_guard.core.engine.face_engine import DetectedFace, FaceEngine
from likeness_guard.core.engine.similarity import best_references
from likeness_guard.core.imaging.pdq import pdq_hash
from likeness_guard.core.imaging.video_clip import SampledFrame
from likeness_guard.core.pipeline.incremental import face_hit
from likeness_guard.core.pipeline.video_loader import VideoJob
from likeness_guard.core.pipeline.writing import cached_analysis
from likeness_guard.core.storage.face_cache import CachedAnalysis, CachedFace, CachedVideo

log = logging.getLogger(__name__)

# A face narrower than this in a frame shrunk for the detector, scoring within NEAR_MISS of
# the threshold or above, is looked at again in the full-size frame: below ~40 px the
# embedding degrades (measured: docs in FACTS.md), so a small face of the person may score
# low. Other small faces cannot be the person and are not worth the full-size pass.
SMALL_FACE_PIXELS = 40.0
NEAR_MISS = 0.15
# Matched frames at most this far apart make one segment: a turned head or a blink between
# two samples does not split it.
MERGE_GAP_S = 1.0


# A searched frame's faces, their best similarities and references, and the scale of its pixels.
Examined = tuple[list[DetectedFace], np.ndarray, np.ndarray, float]


@dataclass(frozen=True)
class FrameResult:
    """One examined frame: when, and the best similarity of any face in it."""

    time_s: float
    best: float | None
    matched: bool


@dataclass
class _BestFrame:
    frame: SampledFrame
    faces: list[DetectedFace]
    similarities: np.ndarray
    references: np.ndarray
    scale: float

    @property
    def best(self) -> float:
        return float(self.similarities.max())


@dataclass
class _Examination:
    """What a clip's frames showed the models, so far."""

    results: list[FrameResult] = field(default_factory=list)
    best: _BestFrame | None = None
    failures: int = 0  # frames the models failed on
    cancelled: bool = False
    # For the face cache: every examined frame (time, number) and its faces, `frame` being
    # the position in `frames` and boxes in displayed pixels.
    frames: list[tuple[float, int]] = field(default_factory=list)
    faces: list[CachedFace] = field(default_factory=list)

    def keep(self, frame: SampledFrame, faces: list[DetectedFace], scale: float) -> None:
        """Note an examined frame and its faces for the face cache."""
        position = len(self.frames)
        self.frames.append((frame.time_s, frame.number))
        for face in faces:
            x1, y1, x2, y2 = (float(value) / scale for value in face.bbox)
            self.faces.append(
                CachedFace(
                    position,
                    (x1, y1, x2, y2),
                    face.det_score,
                    face.embedding,
                    face.drawn,
                    face.turned,
                )
            )


@dataclass(frozen=True)
class ClipAnalysis:
    """A clip's scan result, and what the face cache keeps of it (None when the clip was
    not examined whole: stopped, or frames the models failed on)."""

    record: ScanItem
    cached: CachedAnalysis | None


def analyse_clip(
    base: ScanItem,
    job: VideoJob,
    engine: FaceEngine,
    reference_matrix: np.ndarray,
    reference_ids: list[int],
    threshold: float,
    policy: str,
) -> ClipAnalysis:
    """The scan result of one clip (segments, the best frame's faces, how far it got), and
    what the face cache keeps of it for a rescan or a re-match; `policy` names the sampling
    settings (video_cache.policy_key).

    Frames the models fail on are skipped (and logged); the item is an error only when no
    frame could be examined at all.
    """
    seen = _examine_frames(base.source, job, engine, reference_matrix, threshold)
    record = _clip_record(base, job, seen, reference_ids, threshold)
    whole = not seen.cancelled and not seen.failures and job.failure is None
    if not whole or record.is_error or record.video is None or record.sha256 is None:
        return ClipAnalysis(record, None)
    facts = record.video
    video = CachedVideo(
        policy=policy,
        frames=tuple(seen.frames),
        md5=record.md5,
        duration_s=facts.duration_s,
        codec=facts.codec,
        frame_rate=facts.frame_rate,
        examined_until_s=facts.examined_until_s,
        sample_interval_s=facts.sample_interval_s,
        stopped=None if facts.stopped is None else str(facts.stopped),
        best_frame_s=facts.best_frame_s,
        frame_pdq=facts.frame_pdq,
        frame_pdq_quality=facts.frame_pdq_quality,
    )
    cached = cached_analysis(
        record, tuple(seen.faces), provenance_checked=False, video=video
    )  # whether markers were checked, the scan says
    return ClipAnalysis(record, cached)


def _clip_record(
    base: ScanItem, job: VideoJob, seen: _Examination, reference_ids: list[int], threshold: float
) -> ScanItem:
    """The clip's record from what its frames showed."""
    info = job.info
    shaped = replace(base, format=info.container, width=info.width, height=info.height)
    if not seen.results:
        error = job.failure or (
            "you stopped the scan before any frame was examined"
            if seen.cancelled
            else f"face analysis failed on every frame ({seen.failures}); the scan went on"
        )
        return replace(shaped, status=ItemStatus.ERROR, error=error)
    best = seen.best
    hits = _hits(best, reference_ids, threshold) if best is not None else ()
    top_hit = max(hits, key=lambda hit: hit.similarity) if hits else None
    return replace(
        shaped,
        frame_count=info.frame_count or _estimated_frames(info.duration_s, info.frame_rate),
        faces=hits,
        best_similarity=top_hit.similarity if top_hit else None,
        best_reference_id=top_hit.reference_id if top_hit else None,
        match=any(result.matched for result in seen.results),
        video=_video_facts(job, seen, threshold),
    )


def _examine_frames(
    source: str, job: VideoJob, engine: FaceEngine, references: np.ndarray, threshold: float
) -> _Examination:
    """Every sampled frame through the models, until the clip ends or the scan is stopped;
    the loader thread has stopped decoding the clip when this returns.

    As many frames are searched at once as the engine has lanes (two on two cores: 1.2-1.3
    times as many frames a second as one); their results are taken in the clip's order.
    """
    seen = _Examination()
    searching: deque[tuple[SampledFrame, Future[Examined | None]]] = deque()
    try:
        with ThreadPoolExecutor(engine.lanes, thread_name_prefix="video-frames") as pool:
            for frame in job.frames():
                if job.cancelled:
                    seen.cancelled = True
                    break
                searching.append(
                    (frame, pool.submit(_examine, engine, frame, references, threshold))
                )
                if len(searching) >= engine.lanes:
                    _take(seen, *searching.popleft(), source, threshold)
            while searching:  # frames already being searched when the clip ended or stopped
                _take(seen, *searching.popleft(), source, threshold)
    finally:
        job.abandon()  # whatever happens, the loader thread stops decoding this clip
    job.wait_finished()
    return seen


def _take(
    seen: _Examination,
    frame: SampledFrame,
    searched: Future[Examined | None],
    source: str,
    threshold: float,
) -> None:
    """Note one frame's search in `seen`."""
    try:
        found = searched.result()
    except Exception:  # one odd frame must not lose the rest of the clip
        log.exception("face analysis failed on a frame of %s", source)
        seen.failures += 1
        return
    if found is None:
        seen.results.append(FrameResult(frame.time_s, None, False))
        seen.keep(frame, [], frame.scale)
        return
    faces, similarities, indices, scale = found
    seen.keep(frame, faces, scale)
    top = float(similarities.max())
    matched = any(  # a face that looks drawn matches lower (as in face_hit)
        s >= match_threshold(threshold, f.drawn) for f, s in zip(faces, similarities, strict=True)
    )
    seen.results.append(FrameResult(frame.time_s, top, matched))
    if seen.best is None or top > seen.best.best:
        seen.best = _BestFrame(frame, faces, similarities, indices, scale)


def _video_facts(job: VideoJob, seen: _Examination, threshold: float) -> VideoFacts:
    """The clip's facts for its record: how much was examined, where the person is."""
    info, outcome, best = job.info, job.outcome, seen.best
    stopped = VideoStop.CANCELLED if seen.cancelled else (outcome.stopped if outcome else None)
    if stopped is None and job.failure is not None:
        stopped = VideoStop.DAMAGED
    pdq = pdq_hash(best.frame.full_size()) if best is not None else None
    reached = outcome.examined_until_s if outcome and not seen.cancelled else 0.0
    return VideoFacts(
        duration_s=info.duration_s,
        frames_examined=len(seen.results),
        segments=build_segments(seen.results, threshold, info.frame_rate),
        codec=info.codec,
        frame_rate=info.frame_rate,
        best_frame_s=best.frame.time_s if best is not None else None,
        frame_pdq=pdq.hex if pdq is not None else None,
        frame_pdq_quality=pdq.quality if pdq is not None else None,
        examined_until_s=max(seen.results[-1].time_s, reached),
        sample_interval_s=outcome.interval_s if outcome else None,
        stopped=stopped,
    )


def _examine(
    engine: FaceEngine, frame: SampledFrame, references: np.ndarray, threshold: float
) -> Examined | None:
    """The frame's faces, their best similarities and references, and the scale of the
    pixels they were found in; None without a face.

    When the frame was shrunk and a small face in it might be the person, the full-size
    frame is examined instead, so that the embedding is made from every pixel there is.
    """
    examined = _matched(engine.analyze(frame.rgb), references, frame.scale)
    if examined is None or frame.scale >= 1.0:
        return examined
    faces, similarities, _, _ = examined
    doubtful = any(
        face.width < SMALL_FACE_PIXELS and similarity >= threshold - NEAR_MISS
        for face, similarity in zip(faces, similarities, strict=True)
    )
    if not doubtful:
        return examined
    return _matched(engine.analyze(frame.full_size()), references, 1.0) or examined


def _matched(faces: list[DetectedFace], references: np.ndarray, scale: float) -> Examined | None:
    if not faces:
        return None
    similarities, indices = best_references(np.stack([f.embedding for f in faces]), references)
    return faces, similarities, indices, scale


def _hits(best: _BestFrame, reference_ids: list[int], threshold: float) -> tuple[FaceHit, ...]:
    """The best frame's faces, their boxes in the clip's displayed pixels."""
    return tuple(
        face_hit(
            face,
            similarity,
            reference_ids[int(index)],
            threshold,
            frame=best.frame.number,
            frame_s=best.frame.time_s,
            scale=best.scale,
        )
        for face, similarity, index in zip(
            best.faces, best.similarities, best.references, strict=True
        )
    )


def build_segments(
    results: list[FrameResult], threshold: float, frame_rate: float | None
) -> tuple[VideoSegment, ...]:
    """Stretches of matched frames, in time order.

    Matched frames with no other examined frame between them join one segment, and so do
    matched frames at most MERGE_GAP_S apart. A segment ends where its last matched frame
    stops being shown (one frame later, or at the next examined frame).
    """
    ordered = sorted(results, key=lambda r: r.time_s)
    frame_s = 1.0 / frame_rate if frame_rate else 0.0
    segments: list[VideoSegment] = []
    run: list[FrameResult] = []
    next_after = {position: ordered[position + 1].time_s for position in range(len(ordered) - 1)}

    def close(last_position: int) -> None:
        if not run:
            return
        top = max(run, key=lambda r: r.best or 0.0)
        last = run[-1]
        end = last.time_s + frame_s
        if last_position in next_after:
            end = min(end, next_after[last_position])
        segments.append(
            VideoSegment(
                start_s=round(run[0].time_s, 3),
                end_s=round(max(end, last.time_s), 3),
                best_similarity=round(float(top.best or 0.0), 4),
                best_frame_s=round(top.time_s, 3),
            )
        )
        run.clear()

    last_matched = -1
    interrupted = False  # an examined frame without the face since the run's last one
    for position, result in enumerate(ordered):
        if not result.matched:
            interrupted = bool(run)
            continue
        if run and interrupted and result.time_s - run[-1].time_s > MERGE_GAP_S:
            close(last_matched)
        run.append(result)
        last_matched = position
        interrupted = False
    close(last_matched)
    return tuple(segments)


def _estimated_frames(duration_s: float | None, frame_rate: float | None) -> int | None:
    if duration_s is None or frame_rate is None:
        return None
    return round(duration_s * frame_rate)
