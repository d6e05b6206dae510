"""A scan killed with SIGKILL: the next command says it was interrupted, and scanning the
same folder again continues it instead of starting over."""

import sqlite3
import subprocess
from pathlib import Path

from likeness_guard.core.storage.store import DB_NAME
from tests.unit.pipeline.test_scan import cli_command, kill_cli_scan, unique_copies


def test_a_killed_scan_is_shown_as_interrupted_and_continued(
    photos: dict[str, Path], tmp_path: Path
) -> None:
    data, folder = tmp_path / "data", tmp_path / "many"
    unique_copies(photos["players"], folder, 16)
    kill_cli_scan(data, folder, photos["yaoming"], after_items=4)
    command, env = cli_command(data)
    with sqlite3.connect(data / DB_NAME) as db:
        finished = db.execute("SELECT COUNT(*) FROM items").fetchone()[0]
    assert 4 <= finished < 16

    listed = subprocess.run([*command, "scans"], env=env, capture_output=True, text=True)
    assert listed.returncode == 0
    assert "was interrupted" in listed.stderr  # said once, at the first start after
    assert "interrupted (the app was closed or crashed)" in listed.stdout

    again = subprocess.run(
        [*command, "scan", str(folder), "--json", str(tmp_path / "scan.json")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert again.returncode == 0, again.stderr
    matches = [line for line in again.stdout.splitlines() if line.startswith("MATCH")]
    assert len(matches) == 16 - finished  # only what was left was read and analysed
    with sqlite3.connect(data / DB_NAME) as db:
        scans = db.execute("SELECT id, status FROM scans").fetchall()
        seqs = [row[0] for row in db.execute("SELECT seq FROM items ORDER BY seq")]
    assert scans == [(1, "finished")]  # the same scan, completed
    assert seqs == list(range(16))
