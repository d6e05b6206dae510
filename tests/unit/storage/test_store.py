"""The SQLite store on a real file: migrations, verdicts, forgetting, a full disk."""

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from likeness_guard.core.domain.errors import StoreError
from likeness_guard.core.domain.records import (
    FaceHit,
    ItemStatus,
    ModelPackInfo,
    ScanItem,
    ScanStatus,
    Verdict,
)
from likeness_guard.core.storage.migrations import SCHEMA_VERSION
from likeness_guard.core.storage.store import DB_NAME, Store


def add_profile_with_reference(store: Store, name: str = "me") -> tuple[int, np.ndarray]:
    profile = store.profile(name, create=True)
    assert profile is not None
    embedding = np.random.default_rng(7).standard_normal(512).astype(np.float32)
    embedding /= np.linalg.norm(embedding)
    store.add_reference(
        profile.id,
        source_name="me.jpg",
        source_sha256="ab" * 32,
        embedding=embedding,
        thumbnail_png=b"\x89PNG fake thumbnail",
        det_score=0.9,
        face_width=120.0,
        sharpness=300.0,
        model_pack="buffalo_s:test",
    )
    return profile.id, embedding


def add_scan_with_match(store: Store, name: str = "me") -> int:
    profile = store.profile(name)
    assert profile is not None
    scan_id = store.create_scan(
        profile, threshold=0.36, preset="balanced", model_pack=ModelPackInfo("x", {}), inputs=["/a"]
    )
    face = FaceHit((1.0, 2.0, 30.0, 40.0), 0.9, 0.7, None, True)
    item = ScanItem(
        scan_id=scan_id,
        seq=0,
        source="/a/b.jpg",
        status=ItemStatus.OK,
        sha256="cd" * 32,
        match=True,
        best_similarity=0.7,
        faces=(face,),
    )
    return store.add_item(item)


def test_a_new_store_is_private_and_at_the_current_schema(tmp_path: Path) -> None:
    with Store.open(tmp_path / "data") as store:
        version = sqlite3.connect(store.path).execute("PRAGMA user_version").fetchone()[0]
        assert version == SCHEMA_VERSION
        assert (store.folder.stat().st_mode & 0o777) == 0o700


def test_a_database_from_a_newer_app_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    Store.open(folder).close()
    with sqlite3.connect(folder / DB_NAME) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match="newer version of Likeness Guard"):
        Store.open(folder)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / DB_NAME).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="damaged or not a Likeness Guard database"):
        Store.open(folder)


def test_references_round_trip(store: Store) -> None:
    profile_id, embedding = add_profile_with_reference(store)
    (reference,) = store.references(profile_id)
    np.testing.assert_array_equal(reference.embedding, embedding)
    assert store.references(profile_id, "another-pack") == []
    assert [p.reference_count for p in store.profiles()] == [1]


def test_verdicts_survive_reopening(tmp_path: Path) -> None:
    with Store.open(tmp_path / "data") as store:
        add_profile_with_reference(store)
        item_id = add_scan_with_match(store)
        store.set_verdict(item_id, Verdict.NOT_ME)
    with Store.open(tmp_path / "data") as store:
        item = store.item(item_id)
        assert item is not None
        assert item.verdict == Verdict.NOT_ME
        assert item.faces[0].bbox == (1.0, 2.0, 30.0, 40.0)
        assert store.matches(include_rejected=False) == []


def test_a_scan_left_running_by_a_killed_process_is_marked_interrupted(store: Store) -> None:
    add_profile_with_reference(store)
    add_scan_with_match(store)
    assert store.mark_interrupted_scans() == 1
    (scan,) = store.scans()
    assert scan.status == ScanStatus.INTERRUPTED


def test_forgetting_everything_leaves_no_embedding_in_the_file(tmp_path: Path) -> None:
    with Store.open(tmp_path / "data") as store:
        _, embedding = add_profile_with_reference(store)
        add_scan_with_match(store)
        store.evidence.put(b"matched image bytes")
        store.forget_all()
        assert store.count_embeddings() == 0
        assert store.profiles() == []
        assert not store.evidence.root.exists()
    raw = b"".join(p.read_bytes() for p in (tmp_path / "data").glob(DB_NAME + "*"))
    assert embedding.astype("<f4").tobytes()[:64] not in raw


def test_forgetting_a_profile_keeps_the_others(store: Store) -> None:
    add_profile_with_reference(store, "me")
    add_profile_with_reference(store, "friend")
    add_scan_with_match(store, "friend")
    assert store.forget_profile("friend")
    assert [p.name for p in store.profiles()] == ["me"]
    assert store.scans() == []
    assert not store.forget_profile("nobody")


def test_a_full_disk_is_a_clear_error_and_keeps_what_was_saved(store: Store) -> None:
    add_profile_with_reference(store)
    first = add_scan_with_match(store)
    # SQLite's own limit on the file's size fails writes exactly as a full disk does.
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    store._db.execute(f"PRAGMA max_page_count = {pages}")

    def fill_the_disk() -> None:
        for _ in range(200):
            add_scan_with_match(store)

    with pytest.raises(StoreError, match="disk is full"):
        fill_the_disk()
    assert store.item(first) is not None


def test_items_come_with_their_faces_in_one_query_per_batch(store: Store) -> None:
    add_profile_with_reference(store)
    scan_id = add_scan_with_match(store)
    for seq in range(1, 1201):
        faces = tuple(
            FaceHit((float(seq), 0.0, 9.0, 9.0), 0.9, 0.1 * k, None, False) for k in range(seq % 3)
        )
        store.add_item(ScanItem(scan_id, seq, f"/a/{seq}.jpg", ItemStatus.OK, faces=faces))
    statements: list[str] = []
    store._db.set_trace_callback(statements.append)
    try:
        items = list(store.items(scan_id))
    finally:
        store._db.set_trace_callback(None)
    assert len(items) == 1201
    assert all(len(item.faces) == item.seq % 3 for item in items[1:])
    assert all(item.faces[0].bbox[0] == item.seq for item in items[1:] if item.faces)
    face_queries = [s for s in statements if "FROM faces" in s]
    assert len(face_queries) == 3  # 1201 items in batches of 500, not one query per item


def test_scan_counts_cover_every_scan_in_one_call(store: Store) -> None:
    add_profile_with_reference(store)
    first, second = add_scan_with_match(store), add_scan_with_match(store)
    counts = store.scan_counts([first, second, 999])
    assert (counts[first].items, counts[first].matches, counts[first].faces) == (1, 1, 1)
    assert counts[second].matches == 1
    assert counts[999].items == 0
