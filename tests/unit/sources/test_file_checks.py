"""Reading local files with bounds: FIFOs, devices, endless files and swaps never hang."""

import os
import threading
from pathlib import Path

import pytest

from likeness_guard.core.domain.errors import SourceError
from likeness_guard.core.sources.file_checks import NotRegularFile, read_regular_file
from likeness_guard.core.sources.folders import iter_path_items

JPEG_START = b"\xff\xd8\xff\xe0" + b"\x00" * 60


def run_with_guard(function: object, seconds: float = 10.0) -> object:
    """Run `function` on a thread; fail (instead of hanging the suite) if it blocks."""
    result: dict[str, object] = {}

    def target() -> None:
        try:
            result["value"] = function()  # type: ignore[operator]
        except BaseException as exc:  # handed back to the test
            result["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "reading blocked"
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result.get("value")


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFile, match="named pipe"):
        run_with_guard(lambda: read_regular_file(fifo, 1024))


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_links_to_devices_are_refused(tmp_path: Path, device: str) -> None:
    link = tmp_path / "photo.jpg"
    link.symlink_to(device)
    with pytest.raises(NotRegularFile, match="character device"):
        run_with_guard(lambda: read_regular_file(link, 1024))


def test_a_file_that_grows_past_the_limit_while_read_is_stopped(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    path.write_bytes(b"x" * 5000)
    with pytest.raises(SourceError, match="larger than"):
        read_regular_file(path, 1000)
    assert read_regular_file(path, 5000) == b"x" * 5000


def test_a_file_swapped_for_a_fifo_during_a_scan_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    path.write_bytes(JPEG_START)
    (item,) = iter_path_items([tmp_path])
    path.unlink()
    os.mkfifo(path)  # after the walk looked at it, before it is read
    with pytest.raises(SourceError, match="named pipe"):
        run_with_guard(item.read)


def test_a_file_swapped_for_a_link_to_dev_zero_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    path.write_bytes(JPEG_START)
    (item,) = iter_path_items([tmp_path])
    path.unlink()
    path.symlink_to("/dev/zero")
    with pytest.raises(SourceError, match="character device"):
        run_with_guard(item.read)


def test_odd_entries_in_a_folder_are_listed_as_skipped_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "ok.jpg").write_bytes(JPEG_START)
    os.mkfifo(tmp_path / "fifo.jpg")
    (tmp_path / "zero.jpg").symlink_to("/dev/zero")
    (tmp_path / "broken.jpg").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop.jpg").symlink_to(tmp_path / "loop.jpg")
    items = run_with_guard(lambda: list(iter_path_items([tmp_path])))
    assert isinstance(items, list)
    skipped = {Path(i.source).name: i.skip for i in items if i.skip}
    assert skipped == {
        "broken.jpg": "a link to something that does not exist",
        "fifo.jpg": "not a regular file: a named pipe (FIFO)",
        "loop.jpg": "a link that loops back on itself",
        "zero.jpg": "not a regular file: a character device",
    }
    assert [Path(i.source).name for i in items if not i.skip] == ["ok.jpg"]


def test_a_fifo_named_on_the_command_line_is_skipped_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (item,) = iter_path_items([fifo])
    assert item.skip == "not a regular file: a named pipe (FIFO)"


def test_a_file_deleted_during_the_walk_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.jpg").write_bytes(JPEG_START)
    (tmp_path / "b.jpg").write_bytes(JPEG_START)
    real_scandir = os.scandir

    class Listing(list[os.DirEntry[str]]):
        def __enter__(self) -> "Listing":
            return self

        def __exit__(self, *exc: object) -> None:
            pass

    def scandir_then_delete(path: str) -> Listing:
        with real_scandir(path) as scan:
            listing = Listing(scan)
        (tmp_path / "b.jpg").unlink()  # gone between the listing and the look at it
        return listing

    monkeypatch.setattr(os, "scandir", scandir_then_delete)
    items = list(iter_path_items([tmp_path]))
    assert [Path(i.source).name for i in items] == ["a.jpg", "b.jpg"]
    with pytest.raises(SourceError, match="disappeared while scanning"):
        items[1].read()


def test_a_name_that_is_not_utf8_becomes_valid_text(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9-\xff.jpg"
    with open(raw, "wb") as stream:
        stream.write(JPEG_START)
    (item,) = iter_path_items([tmp_path])
    assert item.source.endswith("caf\\xe9-\\xff.jpg")
    item.source.encode("utf-8")  # storable: SQLite and JSON take it
    assert item.file is not None
    assert item.file.path.endswith("caf\\xe9-\\xff.jpg")
    assert item.read() == JPEG_START  # the real file is still read by its real name
