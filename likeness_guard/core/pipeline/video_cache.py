"""A clip matched again from the face cache: no decoding, no model.

A fresh analysis (video_analysis.analyse_clip) keeps every examined frame and the faces in
it. Here those faces are compared with today's references at today's threshold exactly as
the frames were (the best similarity per frame, a face that looks drawn matching lower),
so segments, the best frame and its faces come out as a fresh analysis would give them.
The best frame's picture hash is the one taken when the clip was decoded; when today's
references pick another frame, the clip is not decoded for it and the hash is left out.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from likeness_guard.core.domain.records import (
    FaceHit,
    MediaKind,
    ScanItem,
    VideoFacts,
    VideoStop,
)
from likeness_guard.core.domain.thresholds import match_threshold
from likeness_guard.core.engine.similarity import best_references
from likeness_guard.core.pipeline.incremental import face_hit
from likeness_guard.core.pipeline.video_analysis import FrameResult, build_segments
from likeness_guard.core.pipeline.video_loader import VideoSettings
from likeness_guard.core.storage.face_cache import CachedAnalysis, CachedFace, CachedVideo


def policy_key(settings: VideoSettings) -> str:
    """The sampling settings a clip's cached analysis was made with: a scan that samples
    otherwise analyses the clip again."""
    return f"{settings.frames_per_second:g}/{settings.max_frames}/{settings.analysis_max_side}"


def clip_from_cache(
    base: ScanItem,
    cached: CachedAnalysis,
    reference_matrix: np.ndarray,
    reference_ids: Sequence[int],
    threshold: float,
) -> ScanItem:
    """The clip's record from its cached frames and faces, matched with these references."""
    video = cached.video
    assert video is not None, "only a clip's analysis is matched here"
    by_frame: dict[int, list[tuple[CachedFace, float, int]]] = defaultdict(list)
    if cached.faces:
        embeddings = np.stack([face.embedding for face in cached.faces])
        similarities, best = best_references(embeddings, reference_matrix)
        for face, similarity, index in zip(cached.faces, similarities, best, strict=True):
            by_frame[face.frame].append((face, float(similarity), int(index)))
    results: list[FrameResult] = []
    best_position, best_top = -1, 0.0
    for position, (time_s, _number) in enumerate(video.frames):
        faces = by_frame.get(position)
        if not faces:
            results.append(FrameResult(time_s, None, False))
            continue
        top = max(similarity for _, similarity, _ in faces)
        matched = any(s >= match_threshold(threshold, f.drawn) for f, s, _ in faces)
        results.append(FrameResult(time_s, top, matched))
        if best_position < 0 or top > best_top:  # the first of equals, as a fresh analysis
            best_position, best_top = position, top
    hits: tuple[FaceHit, ...] = ()
    if best_position >= 0:
        time_s, number = video.frames[best_position]
        hits = tuple(
            face_hit(face, s, reference_ids[i], threshold, frame=number, frame_s=time_s)
            for face, s, i in by_frame[best_position]
        )
    top_hit = max(hits, key=lambda hit: hit.similarity) if hits else None
    return replace(
        base,
        media=MediaKind.VIDEO,
        md5=video.md5 or base.md5,
        format=cached.format,
        width=cached.width,
        height=cached.height,
        frame_count=cached.frame_count,
        faces=hits,
        best_similarity=top_hit.similarity if top_hit else None,
        best_reference_id=top_hit.reference_id if top_hit else None,
        match=any(result.matched for result in results),
        video=_facts(video, results, threshold, hits[0].frame_s if hits else None),
    )


def _facts(
    video: CachedVideo, results: list[FrameResult], threshold: float, best_frame_s: float | None
) -> VideoFacts:
    same_frame = best_frame_s is not None and best_frame_s == video.best_frame_s
    return VideoFacts(
        duration_s=video.duration_s,
        frames_examined=len(results),
        segments=build_segments(results, threshold, video.frame_rate),
        codec=video.codec,
        frame_rate=video.frame_rate,
        best_frame_s=best_frame_s,
        frame_pdq=video.frame_pdq if same_frame else None,
        frame_pdq_quality=video.frame_pdq_quality if same_frame else None,
        examined_until_s=video.examined_until_s,
        sample_interval_s=video.sample_interval_s,
        stopped=None if video.stopped is None else VideoStop(video.stopped),
    )
