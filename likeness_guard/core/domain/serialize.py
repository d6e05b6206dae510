"""Records to JSON and back, in one place.

Two kinds of JSON meet here: the documents people and programs read (`scan --json`,
`inspect --json`, the report manifest: their keys are a contract, see
tests/integration/test_json_contract.py) and the JSON columns the store keeps. They share
the same shapes, so one function per record serves both.
"""

from collections.abc import Mapping
from typing import Any

from likeness_guard.core.domain.chat import chat_json
from likeness_guard.core.domain.json_types import JsonDict
from likeness_guard.core.domain.records import (
    FileFacts,
    HttpFacts,
    ModelPackInfo,
    PageFacts,
    Scan,
    ScanItem,
    SkippedEntry,
    VideoFacts,
    VideoSegment,
    VideoStop,
    WebOrigin,
    face_tier,
    item_tier,
)
from likeness_guard.core.domain.synthetic import (
    ProvenanceIndicator,
    Strength,
    SyntheticReport,
    SyntheticStatus,
)
from likeness_guard.core.domain.takedown import Recheck
from likeness_guard.core.domain.words import video_stop_words

# ---- the documents ----------------------------------------------------------------------


def item_json(item: ScanItem) -> JsonDict:
    """One item as the scan JSON describes it."""
    result: JsonDict = {
        "source": item.source,
        "sha256": item.sha256,
        "status": str(item.status),
        "error": item.error,
        "format": item.format,
        "width": item.width,
        "height": item.height,
        "faces": [
            {
                "bbox": list(face.bbox),
                "det_score": face.det_score,
                "similarity": face.similarity,
                "match": face.match,
                "tier": str(face_tier(face)),
                "frame": face.frame,
                **({} if face.frame_s is None else {"frame_s": face.frame_s}),
                # Only when set, so that documents of photos found upright are unchanged.
                **({"looks_drawn": True} if face.drawn else {}),
                **({"turned": face.turned} if face.turned else {}),
            }
            for face in item.faces
        ],
        "match": item.match,
        "tier": str(item_tier(item)),
        "best_similarity": item.best_similarity,
        "best_reference_id": item.best_reference_id,
        "duplicate_of": item.duplicate_of,
        "verdict": None if item.verdict is None else str(item.verdict),
        "media": str(item.media),
    }
    if item.video is not None:
        result.update(video_item_json(item.video, item.md5))
    if item.file is not None:
        result["file"] = file_json(item.file)
    if item.web is not None:
        web = item.web
        result["url"] = web.final_url or web.url
        result["page_url"] = web.page_url
        result["retrieved_at"] = web.retrieved_at
        result["http"] = None if web.http is None else http_json(web.http)
        if web.page is not None:
            result["page"] = page_json(web.page)
    if item.synthetic is not None:
        result["synthetic"] = synthetic_json(item.synthetic)
    if item.chat is not None:  # only for chat exports: other documents keep their keys
        result["chat"] = chat_json(item.chat)
    return result


def video_item_json(video: VideoFacts, md5: str | None) -> JsonDict:
    """The keys a video item adds to the scan JSON (a contract, like the others)."""
    return {
        "duration_s": video.duration_s,
        "frames_examined": video.frames_examined,
        "segments": [segment_json(segment) for segment in video.segments],
        "md5": md5,
        "best_frame_s": video.best_frame_s,
        "frame_pdq": (
            None
            if video.frame_pdq is None
            else {
                "hash": video.frame_pdq,
                "quality": video.frame_pdq_quality,
                "frame_s": video.best_frame_s,
            }
        ),
        "video": {
            "codec": video.codec,
            "frame_rate": video.frame_rate,
            "complete": video.complete,
            "stopped": None if video.stopped is None else str(video.stopped),
            "note": video_stop_words(video),
            "examined_until_s": video.examined_until_s,
            "sample_interval_s": video.sample_interval_s,
        },
    }


def skipped_json(entries: list[SkippedEntry]) -> list[JsonDict]:
    """The scan document's "skipped" list: what was not a regular file, and why."""
    return [{"path": entry.path, "reason": entry.reason} for entry in entries]


def scan_json(scan: Scan) -> JsonDict:
    """A scan's settings and times, as the scan JSON and the report manifest give them."""
    return {
        "scan_id": scan.id,
        "profile": scan.profile_name,
        "threshold": scan.threshold,
        "preset": scan.preset,
        "model_pack": model_pack_json(scan.model_pack),
        "inputs": list(scan.inputs),
        "status": str(scan.status),
        "started_at": scan.started_at,
        "finished_at": scan.finished_at,
    }


# ---- parts, both ways ---------------------------------------------------------------------


def model_pack_json(pack: ModelPackInfo) -> JsonDict:
    return {"name": pack.name, "files": dict(pack.files)}


def model_pack_from_json(data: Mapping[str, Any]) -> ModelPackInfo:
    files = data.get("files") or {}
    return ModelPackInfo(
        str(data.get("name", "unknown")), {str(k): str(v) for k, v in files.items()}
    )


def file_json(facts: FileFacts) -> JsonDict:
    return {"path": facts.path, "size": facts.size, "modified_at": facts.modified_at}


def file_from_json(data: Mapping[str, Any]) -> FileFacts:
    return FileFacts(str(data["path"]), int(data["size"]), str(data["modified_at"]))


def http_json(http: HttpFacts) -> JsonDict:
    return {"status": http.status, "headers": dict(http.headers), "redirects": list(http.redirects)}


def http_from_json(data: Mapping[str, Any]) -> HttpFacts:
    headers = data.get("headers") or {}
    return HttpFacts(
        status=int(data.get("status", 0)),
        headers={str(k): str(v) for k, v in headers.items()},
        redirects=tuple(str(url) for url in data.get("redirects") or ()),
    )


def page_json(page: PageFacts) -> JsonDict:
    return {
        "url": page.url,
        "final_url": page.final_url,
        "sha256": page.sha256,
        "retrieved_at": page.retrieved_at,
        "http": http_json(page.http),
    }


def page_from_json(data: Mapping[str, Any]) -> PageFacts:
    return PageFacts(
        url=str(data["url"]),
        final_url=str(data.get("final_url") or data["url"]),
        sha256=str(data.get("sha256") or ""),
        retrieved_at=str(data.get("retrieved_at") or ""),
        http=http_from_json(data.get("http") or {}),
    )


def web_json(web: WebOrigin) -> JsonDict:
    """The stored form; an item that failed before any response keeps only two keys."""
    if web.http is None:
        return {"url": web.url, "page_url": web.page_url}
    result: JsonDict = {
        "url": web.url,
        "final_url": web.final_url,
        "page_url": web.page_url,
        "retrieved_at": web.retrieved_at,
        "http": http_json(web.http),
    }
    if web.page is not None:
        result["page"] = page_json(web.page)
    return result


def web_from_json(data: Mapping[str, Any]) -> WebOrigin:
    http = data.get("http")
    page = data.get("page")
    return WebOrigin(
        url=str(data["url"]),
        page_url=data.get("page_url"),
        final_url=data.get("final_url"),
        retrieved_at=data.get("retrieved_at"),
        http=None if http is None else http_from_json(http),
        page=None if not page else page_from_json(page),
    )


def segment_json(segment: VideoSegment) -> JsonDict:
    return {
        "start_s": segment.start_s,
        "end_s": segment.end_s,
        "best_similarity": segment.best_similarity,
        "best_frame_s": segment.best_frame_s,
    }


def video_json(video: VideoFacts) -> JsonDict:
    """The stored form of a video's facts."""
    return {
        "duration_s": video.duration_s,
        "frames_examined": video.frames_examined,
        "segments": [segment_json(segment) for segment in video.segments],
        "codec": video.codec,
        "frame_rate": video.frame_rate,
        "best_frame_s": video.best_frame_s,
        "frame_pdq": video.frame_pdq,
        "frame_pdq_quality": video.frame_pdq_quality,
        "examined_until_s": video.examined_until_s,
        "sample_interval_s": video.sample_interval_s,
        "stopped": None if video.stopped is None else str(video.stopped),
    }


def video_from_json(data: Mapping[str, Any]) -> VideoFacts:
    def number(key: str) -> float | None:
        value = data.get(key)
        return None if value is None else float(value)

    quality = data.get("frame_pdq_quality")
    stopped = data.get("stopped")
    return VideoFacts(
        duration_s=number("duration_s"),
        frames_examined=int(data.get("frames_examined") or 0),
        segments=tuple(
            VideoSegment(
                start_s=float(raw["start_s"]),
                end_s=float(raw["end_s"]),
                best_similarity=float(raw["best_similarity"]),
                best_frame_s=float(raw["best_frame_s"]),
            )
            for raw in data.get("segments") or ()
            if isinstance(raw, Mapping)
        ),
        codec=data.get("codec"),
        frame_rate=number("frame_rate"),
        best_frame_s=number("best_frame_s"),
        frame_pdq=data.get("frame_pdq"),
        frame_pdq_quality=None if quality is None else int(quality),
        examined_until_s=number("examined_until_s"),
        sample_interval_s=number("sample_interval_s"),
        stopped=None if stopped is None else VideoStop(stopped),
    )


def synthetic_json(report: SyntheticReport) -> JsonDict:
    """The `synthetic` object of the scan and inspect JSON."""
    out: JsonDict = {
        "status": str(report.status),
        "indicators": [
            {
                "kind": indicator.kind,
                "strength": str(indicator.strength),
                "summary": indicator.summary,
                "evidence": indicator.evidence,
            }
            for indicator in report.indicators
        ],
    }
    if report.notes:
        out["notes"] = list(report.notes)
    return out


def synthetic_from_json(data: Mapping[str, Any]) -> SyntheticReport:
    """A stored report back; its evidence was cut to size when it was first made."""
    indicators = tuple(
        ProvenanceIndicator(
            kind=str(raw.get("kind", "")),
            strength=Strength(raw.get("strength", Strength.WEAK)),
            summary=str(raw.get("summary", "")),
            evidence=_object(raw.get("evidence")),
            clip=False,
        )
        for raw in data.get("indicators") or ()
        if isinstance(raw, Mapping)
    )
    return SyntheticReport(
        status=SyntheticStatus(data.get("status", SyntheticStatus.UNREADABLE)),
        indicators=indicators,
        notes=tuple(str(note) for note in data.get("notes") or ()),
    )


def _object(value: Any) -> dict[str, object]:
    return dict(value) if isinstance(value, Mapping) else {}


def recheck_json(recheck: Recheck) -> JsonDict:
    """One address in the `recheck --json` document."""
    return {
        "url": recheck.url,
        "status": str(recheck.status),
        "http_status": recheck.http_status,
        "sha256": recheck.sha256,
        "checked_at": recheck.checked_at,
        "error": recheck.error,
        "page_url": recheck.page_url,
        "page_http_status": recheck.page_http_status,
        "page_links_it": recheck.page_links_it,
        "page_status": None if recheck.page_status is None else str(recheck.page_status),
        "pdq_distance": recheck.pdq_distance,
        "removed": recheck.removed,
        "kept_records": recheck.kept_records,
    }
