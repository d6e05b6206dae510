"""Enrolling and scanning open no network connection in any process, the analysis workers
included: an audit hook loaded by every Python process of the tree refuses and records
each attempt."""

import subprocess
from pathlib import Path

from tests.unit.pipeline.test_scan import cli_command, unique_copies

# Loaded by every Python process started with this PYTHONPATH (the site module imports it),
# the spawned analysis workers too.
GUARD = """
import os
import socket
import sys

def _note(line):
    with open(os.environ["LG_NETWORK_LOG"], "a") as log:
        log.write(line + "\\n")

def _refuse(event, args):
    if event == "socket.connect" and args[0].family in (socket.AF_INET, socket.AF_INET6):
        _note(f"connect {args[1]!r}")
        raise ConnectionRefusedError("no network in this test")
    if event == "socket.getaddrinfo":
        _note(f"lookup {args[0]!r}")
        raise OSError("no name lookups in this test")

_note(f"guarded {os.getpid()}")
sys.addaudithook(_refuse)
"""


def test_no_process_of_a_scan_opens_a_connection(photos: dict[str, Path], tmp_path: Path) -> None:
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(GUARD)
    log = tmp_path / "network.log"
    folder = tmp_path / "folder"
    for name in ("yaoming", "players", "t1", "gdp"):
        unique_copies(photos[name], folder / name, 7)  # 28: enough for worker processes
    command, env = cli_command(tmp_path / "data")
    env = {**env, "PYTHONPATH": f"{guard}:{env['PYTHONPATH']}", "LG_NETWORK_LOG": str(log)}
    enrolled = subprocess.run([*command, "enroll", str(photos["yaoming"])], env=env)
    assert enrolled.returncode == 0
    scanned = subprocess.run(
        [*command, "scan", str(folder), "--workers", "2"], env=env, capture_output=True, text=True
    )
    assert scanned.returncode == 0, scanned.stderr
    assert "28 images" in scanned.stdout
    lines = log.read_text().splitlines()
    guarded = {line.split()[1] for line in lines if line.startswith("guarded")}
    assert len(guarded) >= 4  # enroll, scan, and the scan's two workers were all watched
    assert [line for line in lines if not line.startswith("guarded")] == []
