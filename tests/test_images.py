"""Local images in a sanitised body: raw-HTML <img> tags adopted like Markdown's, and sizes given per tag."""

from __future__ import annotations

import pytest

from hospiblog.content.images import adopt_raw_images, local_path, size_images

SIZES = {"/images/f.jpg": (1, 2), "/images/icons.svg": (7, 8), "/images/v.png": (9, 10), "/images/m.png": (11, 12)}


@pytest.mark.parametrize(("tag", "found", "published"), [
    ('<img src="images/f.jpg" alt="f">', "/images/f.jpg",
     '<img src="/images/f.jpg" width="1" height="2" alt="f" loading="lazy" decoding="async">'),
    # an attribute the editor wrote is never doubled, nor mistaken for text in another attribute's value
    ('<img src="images/f.jpg" decoding="sync" alt="f">', "/images/f.jpg",
     '<img src="/images/f.jpg" width="1" height="2" decoding="sync" alt="f" loading="lazy">'),
    ('<img src="images/f.jpg" alt="page loading= lente, la width=10">', "/images/f.jpg",
     '<img src="/images/f.jpg" width="1" height="2" alt="page loading= lente, la width=10" loading="lazy" '
     'decoding="async">'),
    ('<img src="/images/f.jpg" alt="f" width="30">', "/images/f.jpg",
     '<img src="/images/f.jpg" alt="f" width="30" loading="lazy" decoding="async">'),
    # the query or fragment the editor wrote stays; the file is looked up without it
    ('<img src="images/icons.svg#icone" alt="i">', "/images/icons.svg",
     '<img src="/images/icons.svg#icone" width="7" height="8" alt="i" loading="lazy" decoding="async">'),
    ('<img src="images/v.png?v=2&amp;x=1" alt="v">', "/images/v.png",
     '<img src="/images/v.png?v=2&amp;x=1" width="9" height="10" alt="v" loading="lazy" decoding="async">'),
    # Markdown's own images come back as they were (sized at assemble)
    ('<img src="/images/m.png" alt="m" loading="lazy" decoding="async">', "/images/m.png",
     '<img src="/images/m.png" width="11" height="12" alt="m" loading="lazy" decoding="async">'),
    ('<img alt="m" decoding="async" loading="lazy" src="/images/m.png" width="10">', "/images/m.png",
     '<img alt="m" decoding="async" loading="lazy" src="/images/m.png" width="10">'),
])
def test_local_images_are_adopted_and_sized(tag: str, found: str, published: str) -> None:
    body, images = adopt_raw_images(f"<p>{tag}</p>")
    assert images == [found]
    assert size_images(body.encode(), SIZES).decode() == f"<p>{published}</p>"


@pytest.mark.parametrize("body", [
    '<p><img src="https://example.org/x.png" alt="ailleurs"></p>',
    '<p><img src="//example.org/x.png" alt="ailleurs"></p>',
    '<p>&lt;img src="images/f.jpg"&gt; written as text</p>',
    '<pre><code>&lt;img src="images/f.jpg" alt=""&gt;\n</code></pre>',
])
def test_images_elsewhere_and_text_are_left_alone(body: str) -> None:
    assert adopt_raw_images(body) == (body, [])
    assert size_images(body.encode(), SIZES).decode() == body


def test_local_path() -> None:
    assert local_path("images/a.jpg") == "/images/a.jpg"
    assert local_path("/images/./b/../a.jpg?v=1#x") == "/images/a.jpg"
    assert local_path("https://example.org/a.jpg") is None
    assert local_path("") is None


def test_an_image_without_a_size_is_published_without_one() -> None:
    # A missing or unreadable image has no size (its missing-image finding says so, unless the rule is off);
    # an SVG's size is (0, 0): the page then leaves width and height to the file.
    body, _images = adopt_raw_images('<p><img src="images/absente.jpg" alt="a"><img src="/images/x.svg" alt="x"></p>')
    assert size_images(body.encode(), {"/images/x.svg": (0, 0)}).decode() == (
        '<p><img src="/images/absente.jpg" alt="a" loading="lazy" decoding="async">'
        '<img src="/images/x.svg" alt="x" loading="lazy" decoding="async"></p>')
