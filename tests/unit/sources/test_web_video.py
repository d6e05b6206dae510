"""Video links: found on pages, downloaded to a temporary file (never into memory), checked."""

import gc
from pathlib import Path

import pytest

from likeness_guard.core.domain.errors import SourceError
from likeness_guard.core.imaging.video_sealed import SealedFile
from likeness_guard.core.sources.base import SourceItem
from likeness_guard.core.sources.web import WebOptions, iter_web_items
from likeness_guard.core.sources.web.page_links import find_page_links
from likeness_guard.core.sources.web.video_fetch import is_video_file_url
from tests.video_maker import Shot, make_video

from .local_server import LocalServer

PAGE = "https://site.example/videos/page.html"


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory, photos: dict[str, Path]) -> bytes:
    path = tmp_path_factory.mktemp("web-video") / "clip.mp4"
    return make_video(path, [Shot(photos["gdp"], 1)], size=(160, 96)).read_bytes()


def test_video_addresses_on_a_page() -> None:
    html = b"""<html><head>
      <meta property="og:video" content="/media/og.mp4">
      <meta property="og:video:type" content="video/mp4">
      <meta name="twitter:player:stream" content="https://cdn.example/stream.mp4">
      <meta property="og:image" content="poster.jpg">
    </head><body>
      <video src="direct.webm" poster="frame.jpg"></video>
      <video controls><source src="a.mp4" type="video/mp4"><source src="a.webm"></video>
      <picture><source srcset="pic.webp 2x"><img src="pic.jpg"></picture>
      <audio><source src="song.mp3"></audio>
      <video><source src="direct.webm"></video>
    </body></html>"""
    links = find_page_links(html, PAGE)
    assert links.videos == (
        "https://site.example/media/og.mp4",
        "https://cdn.example/stream.mp4",
        "https://site.example/videos/direct.webm",
        "https://site.example/videos/a.mp4",
        "https://site.example/videos/a.webm",
    )
    # Pictures are unchanged: the poster frames and <picture> sources are images.
    assert "https://site.example/videos/frame.jpg" in links.images
    assert "https://site.example/videos/pic.webp" in links.images
    assert not any(url.endswith(".mp3") for url in links.videos + links.images)
    capped = find_page_links(html, PAGE, max_videos=2)
    assert len(capped.videos) == 2


def test_video_file_addresses_by_their_ending() -> None:
    assert is_video_file_url("https://x.example/a/b.MP4?token=1")
    assert is_video_file_url("https://x.example/clip.webm")
    assert not is_video_file_url("https://x.example/clip.mp4/")
    assert not is_video_file_url("https://x.example/photo.jpg")


def items_of(url: str, options: WebOptions) -> list[SourceItem]:
    return list(iter_web_items([url], options))


def test_a_video_on_a_page_is_downloaded_to_a_private_temporary_file(
    server: LocalServer, options: WebOptions, clip: bytes
) -> None:
    server.serve(
        "/page.html",
        b'<html><body><video controls><source src="/v/clip.mp4" type="video/mp4">'
        b"</video></body></html>",
        "text/html",
    )
    server.serve("/v/clip.mp4", clip, "video/mp4")
    [item] = items_of(server.url("/page.html"), options)
    assert isinstance(item.path, SealedFile)
    assert item.path.read_bytes() == clip
    assert clip[:64] not in item.path.path.read_bytes()  # sealed on the disk
    assert item.path.path.stat().st_mode & 0o077 == 0  # readable by this user only
    assert item.web is not None
    assert item.web.page is not None
    assert item.web.page.url == server.url("/page.html")
    assert item.web.http.status == 200
    assert item.web.http.headers["Content-Type"] == "video/mp4"
    import hashlib

    assert item.web.http.sha256 == hashlib.sha256(clip).hexdigest()
    path = item.path.path
    del item
    gc.collect()
    assert not path.exists()  # gone once the scan is done with the item


def test_a_direct_video_address_with_no_file_ending_is_downloaded_too(
    server: LocalServer, options: WebOptions, clip: bytes
) -> None:
    server.serve("/watch", clip, "video/mp4")
    [item] = items_of(server.url("/watch"), options)
    assert item.path is not None
    assert item.path.read_bytes() == clip
    assert item.web is not None
    assert item.web.page is None


def test_video_downloads_have_their_own_size_limit(
    server: LocalServer, options: WebOptions, clip: bytes
) -> None:
    server.serve("/big.mp4", clip, "video/mp4")
    small = WebOptions(**{**options.__dict__, "max_video_bytes": len(clip) // 2})
    [item] = items_of(server.url("/big.mp4"), small)
    with pytest.raises(SourceError, match="larger than"):
        item.read()
    assert item.path is None


def test_a_video_address_that_is_a_player_page_says_so(
    server: LocalServer, options: WebOptions
) -> None:
    server.serve(
        "/page.html",
        b'<html><head><meta property="og:video" content="/embed/123"></head></html>',
        "text/html",
    )
    server.serve("/embed/123", b"<html><body>a video player</body></html>" * 10, "text/html")
    [item] = items_of(server.url("/page.html"), options)
    with pytest.raises(SourceError, match="not a video file: the address is a web page"):
        item.read()
