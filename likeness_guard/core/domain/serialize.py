"""The scan as one JSON document: the stable contract of `likeness-guard scan --json`."""

from typing import Any

from likeness_guard.core.domain.errors import UserFacingError
from likeness_guard.core.storage.store import ItemRecord, ScanRecord, Store


def item_json(item: ItemRecord) -> dict[str, Any]:
    """One item as the scan JSON describes it."""
    result: dict[str, Any] = {
        "source": item.source,
        "sha256": item.sha256,
        "status": item.status,
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
                "frame": face.frame,
            }
            for face in item.faces
        ],
        "match": item.match,
        "best_similarity": item.best_similarity,
        "best_reference_id": item.best_reference_id,
        "duplicate_of": item.duplicate_of,
        "verdict": item.verdict,
    }
    if item.file is not None:
        result["file"] = item.file
    if item.web is not None:
        result["url"] = item.web.get("final_url") or item.web.get("url")
        result["page_url"] = item.web.get("page_url")
        result["retrieved_at"] = item.web.get("retrieved_at")
        result["http"] = item.web.get("http")
        if item.web.get("page"):
            result["page"] = item.web["page"]
    if item.synthetic is not None:
        result["synthetic"] = item.synthetic
    return result


def scan_document(store: Store, scan_id: int) -> dict[str, Any]:
    """The whole scan: settings, model pack, times and every item in order.

    Raises UserFacingError when there is no such scan.
    """
    scan = store.scan(scan_id)
    if scan is None:
        raise UserFacingError(f"There is no scan number {scan_id}.")
    return {**scan_json(scan), "items": [item_json(item) for item in store.items(scan_id)]}


def scan_json(scan: ScanRecord) -> dict[str, Any]:
    """A scan's settings and times, as the scan JSON and the report manifest give them."""
    return {
        "scan_id": scan.id,
        "profile": scan.profile_name,
        "threshold": scan.threshold,
        "preset": scan.preset,
        "model_pack": scan.model_pack,
        "inputs": scan.inputs,
        "status": scan.status,
        "started_at": scan.started_at,
        "finished_at": scan.finished_at,
    }
