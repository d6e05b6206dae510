"""Verdicts belong to an image's bytes: every scan that saw them shows them."""

import sqlite3
from pathlib import Path

from likeness_guard.core.domain.records import (
    ExchangeRole,
    KeptExchange,
    RawHttpExchange,
    Verdict,
)
from likeness_guard.core.storage.migrations import MIGRATIONS
from likeness_guard.core.storage.store import DB_NAME, Store
from tests.unit.storage.test_store import add_profile_with_reference, add_scan_with_match

SHA = "cd" * 32  # the bytes `add_scan_with_match` records


def test_a_verdict_holds_in_every_scan_of_the_same_bytes_with_its_time(store: Store) -> None:
    add_profile_with_reference(store)
    first = add_scan_with_match(store)
    when = store.set_verdict(first, Verdict.ME)
    assert when is not None
    second = add_scan_with_match(store)  # a later scan finds the same file again
    for item_id in (first, second):
        item = store.item(item_id)
        assert item is not None
        assert item.verdict == Verdict.ME
        assert item.verdict_at == when
    record = store.verdict(SHA)
    assert record is not None
    assert (record.verdict, record.verdict_at) == (Verdict.ME, when)
    assert store.set_sha256_verdict(SHA, Verdict.NOT_ME, at="2026-01-02T03:04:05Z") == (
        "2026-01-02T03:04:05Z"
    )
    assert store.matches(include_rejected=False) == []
    assert store.set_sha256_verdict(SHA, None) is None
    assert [item.verdict for item in store.matches()] == [None, None]


def test_per_item_verdicts_of_an_older_database_move_to_their_bytes(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    before = next(n for n, m in enumerate(MIGRATIONS) if "CREATE TABLE verdicts" in m)
    db = sqlite3.connect(folder / DB_NAME)
    for script in MIGRATIONS[:before]:
        db.executescript(script)
    db.execute(f"PRAGMA user_version = {before}")
    db.execute("INSERT INTO profiles (id, name, created_at) VALUES (1, 'me', 'x')")
    db.execute(
        "INSERT INTO scans (id, profile_id, profile_name, threshold, model_pack, inputs, "
        "status, started_at) VALUES (1, 1, 'me', 0.36, '{}', '[]', 'finished', 'x')"
    )
    rows = [
        (1, "aa" * 32, "not_me", "2026-01-01T00:00:00Z"),
        (2, "aa" * 32, "me", "2026-02-01T00:00:00Z"),  # given later: it wins
        (3, "bb" * 32, "me", "2026-01-05T00:00:00Z"),
        (4, "cc" * 32, None, None),
    ]
    db.executemany(
        "INSERT INTO items (id, scan_id, seq, source, sha256, status, match, verdict, "
        "verdict_at, created_at) VALUES (?, 1, ?, 's', ?, 'ok', 1, ?, ?, 'x')",
        [(item_id, item_id, sha, verdict, at) for item_id, sha, verdict, at in rows],
    )
    db.commit()
    db.close()
    with Store.open(folder) as store:
        verdicts = {sha: store.verdict(sha) for sha in ("aa" * 32, "bb" * 32, "cc" * 32)}
        assert verdicts["aa" * 32] is not None
        assert verdicts["aa" * 32].verdict == Verdict.ME
        assert verdicts["aa" * 32].verdict_at == "2026-02-01T00:00:00Z"
        assert verdicts["bb" * 32] is not None
        assert verdicts["cc" * 32] is None
        first = store.item(1)
        assert first is not None
        assert first.verdict == Verdict.ME  # the same bytes as item 2


def test_forgetting_a_profile_forgets_its_verdicts_and_keeps_others_exchanges(
    store: Store,
) -> None:
    add_profile_with_reference(store, "me")
    add_profile_with_reference(store, "other")
    mine = add_scan_with_match(store, "me")
    store.set_verdict(mine, Verdict.ME)
    theirs = add_scan_with_match(store, "other")
    exchange = RawHttpExchange("http://a.test/x.jpg", "2026-01-01T00:00:00Z", b"GET", b"HTTP")
    store.captures.add(theirs, [KeptExchange(ExchangeRole.IMAGE, exchange)])
    assert store.forget_profile("me")
    assert store.verdict(SHA) is not None  # "other" still has these bytes
    assert [k.exchange for k in store.captures.for_item(theirs)] == [exchange]
    assert store.forget_profile("other")
    assert store.verdict(SHA) is None
    assert store.evidence.count() == 0
