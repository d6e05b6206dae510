"""The whole hostile corpus, scanned and inspected: an item or a "skipped" line for every
entry, no traceback, nothing raw on the terminal."""

import json
import logging
import os
from pathlib import Path

import pytest

from likeness_guard.core.domain.text_safety import storable
from likeness_guard.main import main
from tests.hostile.corpus import Corpus, build_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    # The multi-gigapixel giants are in benchmarks/hostile_scan.py (time, memory); here the
    # other cases keep the suite fast. tests/unit/imaging/test_decode_memory.py has a giant.
    return build_corpus(tmp_path_factory.mktemp("hostile") / "corpus", giant=False)


def test_the_corpus_has_at_least_sixty_cases(corpus: Corpus) -> None:
    assert corpus.cases >= 60


def test_scanning_the_corpus_gives_an_item_or_a_skipped_line_for_every_entry(
    corpus: Corpus,
    photos: dict[str, Path],
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    data, out = tmp_path / "data", tmp_path / "scan.json"
    assert main(["--data-dir", str(data), "enroll", str(photos["yaoming"])]) == 0
    with caplog.at_level(logging.WARNING):
        code = main(["--data-dir", str(data), "scan", str(corpus.root), "--json", str(out)])
    printed = capfd.readouterr()
    assert code == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    sources = [item["source"] for item in document["items"]]
    assert sorted(sources) == sorted(storable(str(path)) for path in corpus.regular)
    skipped = {entry["path"]: entry["reason"] for entry in document["skipped"]}
    assert skipped == {str(path): reason for path, reason in corpus.skipped.items()}
    assert "Traceback" not in printed.err + printed.out
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]
    # A name with a newline cannot forge a line of output; direction overrides are shown.
    assert not any(line.startswith("MATCH  0.99") for line in printed.out.splitlines())
    assert "\u202e" not in printed.out
    assert "photo\\u202egpj.exe.jpg" in printed.out or "photo\\u202egpj" not in printed.out
    assert "\x1b" not in printed.out


def test_inspect_refuses_odd_entries_and_fails_for_unreadable_files(
    corpus: Corpus, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    odd = [str(path) for path in corpus.skipped if path.name in ("fifo.jpg", "zero.jpg")]
    code = main(
        ["inspect", *odd, str(corpus.root / "empty.jpg"), "--json", str(tmp_path / "i.json")]
    )
    assert code == 1  # empty and unreadable files are failures, not "no marker found"
    items = json.loads((tmp_path / "i.json").read_text())["items"]
    errors = [item["error"] for item in items]
    assert errors == [
        "not a regular file: a named pipe (FIFO)",
        "not a regular file: a character device",
        "the file is empty",
    ]
    assert main(["inspect", str(corpus.root / "text.jpg")]) == 1
    raw = next(path for path in corpus.regular if "\\udce9" in ascii(str(path)))
    assert main(["inspect", str(raw), "--json", str(tmp_path / "raw.json")]) == 0
    assert json.loads((tmp_path / "raw.json").read_text())["items"][0]["source"].endswith(
        "caf\\xe9-\\xff.jpg"
    )
    capfd.readouterr()


def test_enroll_refuses_a_fifo_without_hanging(corpus: Corpus, tmp_path: Path) -> None:
    fifo = next(path for path in corpus.skipped if path.name == "fifo.jpg")
    assert os.path.exists(fifo)
    code = main(["--data-dir", str(tmp_path / "data"), "enroll", str(fifo)])
    assert code == 1


def test_a_url_list_that_never_ends_is_refused(capfd: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "--urls", "/dev/zero"]) == 2  # it took 2-4 GB within seconds
    assert "not a regular file" in capfd.readouterr().err
