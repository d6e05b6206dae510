"""`likeness-guard --self-test`: passes on a good install, fails loudly, leaves no trace."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from likeness_guard import selftest
from likeness_guard.core.engine.model_pack import PINNED_SHA256


@pytest.mark.slow
def test_self_test_passes_and_leaves_the_user_folders_empty(tmp_path: Path) -> None:
    homes = {
        "LIKENESS_GUARD_HOME": tmp_path / "data",
        "HOME": tmp_path / "home",
        "XDG_CONFIG_HOME": tmp_path / "config",
        "XDG_DATA_HOME": tmp_path / "share",
    }
    for folder in homes.values():
        folder.mkdir()
    env = {**os.environ, **{name: str(path) for name, path in homes.items()}}
    env["QT_QPA_PLATFORM"] = "offscreen"
    result = subprocess.run(
        [sys.executable, "-m", "likeness_guard.selftest"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("likeness-guard 0.1.0 self-test PASS")
    assert "main window opened and closed" in lines[0]
    for name, digest in PINNED_SHA256.items():
        assert f"{name} sha256:{digest}" in lines[0]
    for name, folder in homes.items():
        assert list(folder.iterdir()) == [], f"{name} was written to"


def test_a_changed_embedding_fails_with_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    shifted = {
        start: tuple(v + 0.01 for v in values)
        for start, values in selftest.GOLDEN_EMBEDDING.items()
    }
    monkeypatch.setattr(selftest, "GOLDEN_EMBEDDING", shifted)
    home_before = os.environ.get("LIKENESS_GUARD_HOME")
    out = io.StringIO()
    assert selftest.run_self_test(out) == 1
    verdict = out.getvalue()
    assert "self-test FAIL: the embedding differs from the golden values" in verdict
    assert verdict.count("\n") == 1
    # The scratch environment is undone, whatever happened inside.
    assert os.environ.get("LIKENESS_GUARD_HOME") == home_before
