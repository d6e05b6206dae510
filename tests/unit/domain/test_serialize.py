"""Records to JSON and back: what the store keeps reads back as the same record."""

import json

from likeness_guard.core.domain.records import (
    FaceHit,
    FileFacts,
    HttpFacts,
    ItemStatus,
    PageFacts,
    ScanItem,
    Verdict,
    WebOrigin,
)
from likeness_guard.core.domain.serialize import (
    item_json,
    synthetic_from_json,
    synthetic_json,
    web_from_json,
    web_json,
)
from likeness_guard.core.domain.synthetic import (
    MAX_EVIDENCE_TEXT,
    ProvenanceIndicator,
    Strength,
    SyntheticReport,
    SyntheticStatus,
)

HTTP = HttpFacts(200, {"Content-Type": "image/jpeg"}, ("https://a.example/x",))
PAGE = PageFacts(
    "https://a.example/p", "https://a.example/p", "ef" * 32, "2026-01-02T03:04:05Z", HTTP
)


def _through_json(value: dict[str, object]) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(json.dumps(value))
    return loaded


def test_a_web_origin_round_trips_with_and_without_a_response() -> None:
    full = WebOrigin(
        url="https://a.example/x",
        page_url=PAGE.url,
        final_url="https://b.example/x",
        retrieved_at="2026-01-02T03:04:05Z",
        http=HTTP,
        page=PAGE,
    )
    failed = WebOrigin(url="https://a.example/gone.jpg", page_url=PAGE.url)
    for origin in (full, failed):
        assert web_from_json(_through_json(web_json(origin))) == origin
    # A failed fetch keeps only where it was seen (the stored form since the first version).
    assert web_json(failed) == {"url": failed.url, "page_url": PAGE.url}


def test_long_evidence_is_cut_once_and_reads_back_unchanged() -> None:
    prompt = "a" * (MAX_EVIDENCE_TEXT + 500)
    indicator = ProvenanceIndicator("generator_metadata", Strength.STRONG, "s", {"prompt": prompt})
    cut = indicator.evidence["prompt"]
    assert isinstance(cut, str)
    assert cut.startswith("a" * MAX_EVIDENCE_TEXT)
    assert cut.endswith("[500 more characters]")
    report = SyntheticReport(SyntheticStatus.AI_GENERATED, (indicator,), "png", ("a note",))
    stored = _through_json(synthetic_json(report))
    again = synthetic_from_json(stored)
    assert synthetic_json(again) == stored  # not cut a second time
    assert again.indicators[0].evidence["prompt"] == cut
    assert again.notes == ("a note",)


def test_the_scan_json_item_flattens_the_web_origin() -> None:
    item = ScanItem(
        scan_id=1,
        seq=0,
        source="https://a.example/x",
        status=ItemStatus.OK,
        web=WebOrigin("https://a.example/x", PAGE.url, "https://b.example/x", "t", HTTP, PAGE),
        file=None,
        verdict=Verdict.ME,
        faces=(FaceHit((1.0, 2.0, 3.0, 4.0), 0.9, 0.5, 7, True),),
    )
    document = item_json(item)
    assert document["url"] == "https://b.example/x"  # where the bytes came from
    assert document["page_url"] == PAGE.url
    assert document["http"] == {
        "status": 200,
        "headers": {"Content-Type": "image/jpeg"},
        "redirects": ["https://a.example/x"],
    }
    assert document["verdict"] == "me"
    assert document["faces"][0]["bbox"] == [1.0, 2.0, 3.0, 4.0]
    assert "file" not in document
    with_file = item_json(
        ScanItem(1, 1, "/x.jpg", ItemStatus.ERROR, file=FileFacts("/x.jpg", 3, "t"))
    )
    assert with_file["file"] == {"path": "/x.jpg", "size": 3, "modified_at": "t"}
    assert with_file["status"] == "error"
