"""Nothing gets in: sanitised articles, safe URLs, and a built demo that loads nothing from elsewhere."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
import pytest

from hospiblog.build import build
from hospiblog.errors import HospiblogError
from tests.conftest import NOW, REPO, SiteMaker, post

HOSTILE_BODY = """\
Texte <script>alert(1)</script> fin.

<img src="/images/logo.png" alt="x" onerror="alert(2)">

[clic](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:msgbox)

<iframe src="https://tracker.example/"></iframe>

<div style="background:url(https://tracker.example/pixel.gif)">boîte</div>

<a href="https://hopital.example/" onclick="steal()">lien</a>
"""


def built_demo(tmp_path: Path) -> Path:
    out = tmp_path / "demo"
    build(REPO, output=out, now=NOW)
    return out


def test_raw_html_is_sanitised(make_site: SiteMaker, tmp_path: Path) -> None:
    site = make_site({"posts/news/a.md": post("Titre", body=HOSTILE_BODY)})
    build(site, output=tmp_path / "out", now=NOW)
    page = (tmp_path / "out/actualites/titre/index.html").read_text()
    article = page[page.index('<div class="post-body'):page.index("</article>")]
    for forbidden in ("<script>alert", "onerror", "javascript:", "data:text", "vbscript:", "<iframe", "style=",
                      "onclick", "tracker.example"):
        assert forbidden not in article, forbidden
    assert "boîte" in article and 'href="https://hopital.example/"' in article


def test_allow_raw_html_keeps_it_and_warns(make_site: SiteMaker, tmp_path: Path) -> None:
    from tests.conftest import SITE_TOML

    # Unsanitised HTML is not searched for images: this one, in a comment, is no image of the page.
    body = '<span class="x" style="color:red">rouge</span>\n\n<!-- avant : <img src="images/ancienne.jpg"> -->'
    site = make_site({"posts/news/a.md": post("Titre", body=body)},
                     config=SITE_TOML.replace("posts_per_page = 2", "posts_per_page = 2\nallow_raw_html = true"))
    report = build(site, output=tmp_path / "out", now=NOW)
    assert any("allow_raw_html" in warning.message for warning in report.warnings)
    page = (tmp_path / "out/actualites/titre/index.html").read_text()
    assert 'style="color:red"' in page and '<!-- avant : <img src="images/ancienne.jpg"> -->' in page


def test_front_matter_values_are_escaped_everywhere(make_site: SiteMaker, tmp_path: Path) -> None:
    title = '\\"><script>alert(1)</script>'
    site = make_site({"posts/news/a.md": post(title, summary='"<img src=x onerror=alert(1)>"', tags="['<b>x</b>']")})
    build(site, output=tmp_path / "out", now=NOW)
    for path in (tmp_path / "out").rglob("*"):
        if path.suffix in (".html", ".xml"):
            text = path.read_text()
            assert "<script>alert" not in text and "<img src=x" not in text, path


@pytest.mark.parametrize("value", ["javascript:alert(1)", "data:image/png;base64,AAAA", "vbscript:x"])
def test_image_urls_with_a_scheme_are_refused(make_site: SiteMaker, tmp_path: Path, value: str) -> None:
    site = make_site({"posts/news/a.md": post("Titre", image=f'"{value}"', image_alt="x")})
    with pytest.raises(HospiblogError, match="must be the path of a file under static/, not a URL"):
        build(site, output=tmp_path / "out", now=NOW)


def test_a_symlink_to_outside_the_site_is_refused(make_site: SiteMaker, tmp_path: Path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text(post("Secret"))
    site = make_site({})
    (site / "posts" / "news").mkdir(parents=True, exist_ok=True)
    (site / "posts" / "news" / "lien.md").symlink_to(outside)
    (site / "posts" / "news" / "boucle.md").symlink_to(site / "posts" / "news" / "boucle.md")
    with pytest.raises(HospiblogError) as caught:
        build(site, output=tmp_path / "out", now=NOW)
    text = caught.value.format()
    assert "lien.md" in text and "outside the site folder" in text and "boucle.md" in text


def test_the_built_demo_loads_nothing_from_another_host(tmp_path: Path) -> None:
    out = built_demo(tmp_path)
    problems: list[str] = []
    for page in sorted(out.rglob("*.html")):
        tree = lxml.html.parse(str(page)).getroot()
        where = page.relative_to(out)
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute in element.attrib:
                if attribute.lower().startswith("on"):
                    problems.append(f"{where}: <{element.tag} {attribute}>")
            inline_script = (element.tag == "script" and element.get("type") != "application/ld+json"
                             and not element.get("src"))
            if element.tag in ("iframe", "frame", "object", "embed", "style") or inline_script:
                problems.append(f"{where}: <{element.tag}>")
            if element.get("style") is not None:
                problems.append(f"{where}: style attribute on <{element.tag}>")
        for url in tree.xpath("//script/@src | //link[@rel='stylesheet' or @rel='icon' or @rel='preload']/@href"
                              " | //img/@src | //img/@srcset | //source/@src | //video/@src | //audio/@src"):
            if urlsplit(url).netloc:
                problems.append(f"{where}: loads {url}")
    assert problems == []
    assert 'http-equiv="Content-Security-Policy"' in (out / "index.html").read_text()
    assert "Content-Security-Policy: default-src 'self'" in (out / "_headers").read_text()
