"""The folder walk: what is scanned, what is skipped, and that it always ends."""

from pathlib import Path

import pytest

from likeness_guard.core.domain.cancel import CancelToken
from likeness_guard.core.domain.errors import SourceError
from likeness_guard.core.sources.folders import count_path_items, iter_path_items

JPEG_START = b"\xff\xd8\xff\xe0" + b"\x00" * 60


def names(paths: list[str | Path], **kwargs: object) -> list[str]:
    items = iter_path_items(paths, **kwargs)  # type: ignore[arg-type]
    return [Path(i.source).name for i in items if i.skip is None]


def skipped(paths: list[str | Path]) -> dict[str, str]:
    return {Path(i.source).name: i.skip for i in iter_path_items(paths) if i.skip is not None}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "b.jpg").write_bytes(JPEG_START)
    (tmp_path / "a.PNG").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 60)
    (tmp_path / "download").write_bytes(JPEG_START)  # no extension, but a JPEG
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / ".secret.jpg").write_bytes(JPEG_START)
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "c.webp").write_bytes(b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 60)
    (sub / "up").symlink_to(tmp_path)  # a loop
    hidden = tmp_path / ".cache"
    hidden.mkdir()
    (hidden / "d.jpg").write_bytes(JPEG_START)
    return tmp_path


def test_images_are_found_recursively_in_a_stable_order(tree: Path) -> None:
    assert names([tree]) == ["a.PNG", "b.jpg", "download", "c.webp"]
    assert count_path_items([tree]) == 4
    # The link back up the tree is not followed, and it is said so (it was silent).
    assert skipped([tree]) == {"up": "a link to a folder that is already being scanned"}


def test_hidden_files_are_scanned_only_when_asked(tree: Path) -> None:
    assert set(names([tree], include_hidden=True)) == {
        "a.PNG",
        "b.jpg",
        "download",
        "c.webp",
        ".secret.jpg",
        "d.jpg",
    }


def test_a_file_given_by_name_is_always_included(tree: Path) -> None:
    assert names([tree / "notes.txt"]) == ["notes.txt"]


def test_missing_paths_and_oversized_files_are_error_items(tree: Path) -> None:
    big = tree / "big.jpg"
    big.write_bytes(JPEG_START * 2000)
    items = list(iter_path_items([tree / "gone", big], max_file_bytes=1024))
    with pytest.raises(SourceError, match="not found"):
        items[0].read()
    with pytest.raises(SourceError, match="larger than"):
        items[1].read()
    assert items[1].file is not None
    assert items[1].file.size == big.stat().st_size


def test_the_walk_stops_when_cancelled(tree: Path) -> None:
    cancel = CancelToken()
    walked = iter_path_items([tree], cancel=cancel)
    next(walked)
    cancel.cancel()
    assert list(walked) == []


def test_file_facts_are_kept_as_evidence(tree: Path) -> None:
    item = next(iter(iter_path_items([tree / "b.jpg"])))
    assert item.file is not None
    assert item.file.path == str(tree / "b.jpg")
    assert item.file.modified_at.endswith("Z")
    assert item.read() == JPEG_START


def test_counting_opens_no_file_named_like_an_image(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting before a scan (issue 30) takes names and sizes only, and so does the walk:
    a photo's first bytes, which tell a video named like a photo, are read only when the
    item is (`clip_file`), so that a rescan of unchanged files opens none."""
    from likeness_guard.core.sources import file_checks, folders

    opened: list[str] = []
    real = file_checks.read_regular_file

    def noting(path: Path, *args: object, **kwargs: object) -> bytes:
        opened.append(Path(path).name)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(folders, "read_regular_file", noting)
    counted = count_path_items([tree])
    # Names without an image's extension ("download", "notes.txt") are sniffed either way.
    opened_by_counting = [name for name in opened if Path(name).suffix]
    opened_by_counting.remove("notes.txt")
    opened.clear()
    assert counted == len(names([tree]))
    assert opened_by_counting == []
    items = {Path(item.source).name: item for item in iter_path_items([tree])}
    assert "b.jpg" not in opened
    assert items["b.jpg"].clip_file() is None  # a photo: its first bytes say so
    assert opened.count("b.jpg") == 1
    items["b.jpg"].clip_file()
    assert opened.count("b.jpg") == 1  # looked at once
