"""Filling a store quickly with rows inserted directly (tests and benchmarks)."""

import json

import numpy as np

from likeness_guard.core.domain.records import ModelPackInfo, ScanStatus, utc_now
from likeness_guard.core.storage.db import transaction
from likeness_guard.core.storage.store import Store


def add_person(store: Store, name: str, *, seed: int = 7) -> tuple[int, np.ndarray]:
    """A profile with one reference; returns its id and embedding."""
    profile = store.profile(name, create=True)
    assert profile is not None
    embedding = np.random.default_rng(seed).standard_normal(512).astype(np.float32)
    embedding /= np.linalg.norm(embedding)
    store.add_reference(
        profile.id,
        source_name=f"{name}-reference.jpg",
        source_sha256=f"{seed:02x}" * 32,
        embedding=embedding,
        thumbnail_png=b"\x89PNG\r\n\x1a\n" + f"thumbnail of {name}".encode(),
        det_score=0.9,
        face_width=120.0,
        sharpness=300.0,
        model_pack="buffalo_s:test",
    )
    return profile.id, embedding


def add_scan(
    store: Store,
    name: str,
    items: int,
    *,
    duplicates: bool = True,
    evidence: int = 0,
    folder: str = "/home/someone/Downloads",
) -> int:
    """A finished scan of `items` items (every other one a copy of the one before, as a scan
    of a folder full of duplicates stores them), with `evidence` matched items whose bytes
    are kept. Returns the scan id."""
    profile = store.profile(name)
    assert profile is not None
    scan_id = store.create_scan(
        profile,
        threshold=0.36,
        preset="balanced",
        model_pack=ModelPackInfo("x", {}),
        inputs=[folder],
    )
    db = store._db
    now = utc_now()
    with transaction(db):
        previous = None
        for seq in range(items):
            kept = seq < evidence
            data = f"image {scan_id}-{seq}".encode() * 64
            sha = store.evidence.put(data) if kept else f"{seq:064x}"
            cursor = db.execute(
                "INSERT INTO items (scan_id, seq, source, sha256, status, match, duplicate_of, "
                "file_json, evidence_kept, best_similarity, created_at) "
                "VALUES (?, ?, ?, ?, 'ok', ?, ?, ?, ?, ?, ?)",
                (
                    scan_id,
                    seq,
                    f"{folder}/{name}-photo-{seq}.jpg",
                    sha,
                    int(kept),
                    previous if duplicates and seq % 2 else None,
                    json.dumps(
                        {"path": f"{folder}/{name}-photo-{seq}.jpg", "size": 1, "modified_at": now}
                    ),
                    int(kept),
                    0.5,
                    now,
                ),
            )
            previous = cursor.lastrowid
            db.execute(
                "INSERT INTO faces (item_id, frame, x1, y1, x2, y2, det_score, similarity, match) "
                "VALUES (?, 0, 1, 2, 30, 40, 0.9, 0.5, ?)",
                (previous, int(kept)),
            )
    store.finish_scan(scan_id, ScanStatus.FINISHED)
    return scan_id
