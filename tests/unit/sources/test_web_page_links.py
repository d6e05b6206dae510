"""Tests for finding image and page addresses in HTML pages, and decoding them."""

import pytest

from likeness_guard.core.sources.web.html_text import decode_html
from likeness_guard.core.sources.web.page_links import (
    find_page_links,
    is_image_file_url,
    largest_srcset_candidate,
)

PAGE = "https://site.example/gallery/2026/page.html"


def images_of(html: str, page_url: str = PAGE, max_images: int = 200) -> list[str]:
    return list(find_page_links(html.encode(), page_url, max_images=max_images).images)


@pytest.mark.parametrize(
    ("srcset", "expected"),
    [
        ("small.jpg 300w, large.jpg 1200w, medium.jpg 800w", "large.jpg"),
        ("a.jpg, b.jpg 2x, c.jpg 1.5x", "b.jpg"),
        ("only.jpg", "only.jpg"),
        # Image CDNs put commas inside URLs; a naive split on "," would break these.
        (
            "https://cdn.example/w_300,h_200/p.jpg 300w,"
            " https://cdn.example/w_900,h_600/p.jpg 900w",
            "https://cdn.example/w_900,h_600/p.jpg",
        ),
        ("  \n x.jpg   640w ,\n y.jpg 1280w  ", "y.jpg"),
        ("a.jpg 100w, b.jpg 2x", "a.jpg"),  # widths beat densities when mixed
        ("a.jpg 1x,b.jpg 3x", "b.jpg"),  # no space after the comma
        ("", None),
        (" , , ", None),
    ],
)
def test_largest_srcset_candidate(srcset: str, expected: str | None) -> None:
    assert largest_srcset_candidate(srcset) == expected


def test_img_src_and_largest_srcset_resolved_against_page() -> None:
    html = '<img src="thumb.jpg" srcset="thumb.jpg 200w, ../big.jpg 1600w, mid.jpg 800w">'
    assert images_of(html) == [
        "https://site.example/gallery/2026/thumb.jpg",
        "https://site.example/gallery/big.jpg",
    ]


def test_base_href_applies_to_the_whole_document_and_only_the_first_counts() -> None:
    html = """<html><head>
        <meta property="og:image" content="cover.jpg">
        <base href="/media/">
        <base href="https://elsewhere.example/">
      </head><body><img src="a.jpg"><img src="//cdn.example/b.png"><img src="/c.gif"></body>
    </html>"""
    assert images_of(html) == [
        "https://site.example/media/cover.jpg",
        "https://site.example/media/a.jpg",
        "https://cdn.example/b.png",
        "https://site.example/c.gif",
    ]


def test_meta_picture_source_lazy_attributes_links_and_poster() -> None:
    html = """
    <meta property="og:image:secure_url" content="https://site.example/og.jpg">
    <meta name="twitter:image" content="/tw.jpg">
    <meta property="og:image:url" content="og-url.jpg">
    <meta property="og:title" content="not an image.jpg">
    <link rel="image_src" href="/link-rel.jpg">
    <picture>
      <source srcset="p-small.webp 480w, p-large.webp 1440w" type="image/webp">
      <img src="p-fallback.jpg">
    </picture>
    <video poster="poster.jpg"><source src="movie.mp4"></video>
    <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="lazy.jpg"
         data-srcset="lazy-1.jpg 1x, lazy-2.jpg 2x">
    <a href="full/size.JPEG?download=1#top">full size</a>
    <a href="other-page.html">next</a>
    """
    base = "https://site.example/gallery/2026/"
    assert images_of(html) == [
        "https://site.example/og.jpg",
        "https://site.example/tw.jpg",
        base + "og-url.jpg",
        "https://site.example/link-rel.jpg",
        base + "p-large.webp",
        base + "p-fallback.jpg",
        base + "poster.jpg",
        base + "lazy.jpg",
        base + "lazy-2.jpg",
        base + "full/size.JPEG?download=1",
    ]


def test_non_web_addresses_dropped_and_duplicates_removed_in_order() -> None:
    html = """
    <img src="a.jpg"><img src="javascript:alert(1)"><img src="data:image/png;base64,iVBOR">
    <img src="ftp://files.example/x.jpg"><img src="mailto:x@example.com"><img src="">
    <img src="b.jpg"><img src="a.jpg#again"><img src="https://site.example/gallery/2026/a.jpg">
    <a href="b.jpg">b again</a><img src="  b.jpg  ">
    """
    assert images_of(html) == [
        "https://site.example/gallery/2026/a.jpg",
        "https://site.example/gallery/2026/b.jpg",
    ]


def test_at_most_max_images_in_page_order() -> None:
    html = "".join(f'<img src="{number}.jpg">' for number in range(10))
    found = images_of(html, max_images=3)
    assert found == [f"https://site.example/gallery/2026/{number}.jpg" for number in range(3)]


def test_source_outside_picture_is_not_an_image() -> None:
    html = '<audio><source srcset="not-a-picture.jpg"></audio><img src="real.jpg">'
    assert images_of(html) == ["https://site.example/gallery/2026/real.jpg"]


def test_pages_are_non_image_links_without_fragments() -> None:
    html = """
    <a href="/about#team">about</a><a href="/about">about again</a>
    <a href="photo.png">photo</a><a href="mailto:me@example.com">mail</a>
    <a href="https://other.example/">elsewhere</a>
    """
    links = find_page_links(html.encode(), PAGE)
    assert links.pages == ("https://site.example/about", "https://other.example/")
    assert links.images == ("https://site.example/gallery/2026/photo.png",)


def test_broken_markup_does_not_raise() -> None:
    html = '<div><img src="a.jpg" <p>unclosed <img src=b.jpg><a href="http://[::1">x</a><img'
    assert images_of(html) == [
        "https://site.example/gallery/2026/a.jpg",
        "https://site.example/gallery/2026/b.jpg",
    ]


def test_character_references_in_attributes_are_decoded() -> None:
    html = '<img src="/img?id=1&amp;size=large">'
    assert images_of(html) == ["https://site.example/img?id=1&size=large"]


def test_page_encoding_from_meta_charset_and_from_server() -> None:
    latin1 = '<meta charset="iso-8859-1"><img src="caf\u00e9.jpg">'.encode("latin-1")
    assert find_page_links(latin1, PAGE).images == ("https://site.example/gallery/2026/café.jpg",)
    windows = '<img src="\u00e9t\u00e9.jpg">'.encode("cp1252")
    found = find_page_links(windows, PAGE, charset="windows-1252").images
    assert found == ("https://site.example/gallery/2026/été.jpg",)


def test_decode_html_prefers_bom_and_survives_bad_bytes() -> None:
    assert decode_html(b"\xef\xbb\xbf<p>\xc3\xa9</p>", "latin-1") == "<p>\u00e9</p>"
    assert decode_html(b"<p>\xff</p>") == "<p>\ufffd</p>"
    assert decode_html(b"<p>x</p>", "no-such-charset") == "<p>x</p>"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/x/photo.JPG", True),
        ("https://a.example/p.webp?w=300", True),
        ("https://a.example/p.heic#frag", True),
        ("https://a.example/photo.jpg/view", False),
        ("https://a.example/page.html", False),
        ("https://a.example/jpg", False),
    ],
)
def test_is_image_file_url(url: str, expected: bool) -> None:
    assert is_image_file_url(url) is expected
