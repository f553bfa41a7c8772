"""Property tests: random front matter and Markdown, written to a post and built in-process.

Whatever an editor writes, a build either succeeds or raises :class:`HospiblogError` (which the CLI prints with a
place and a hint); any other exception is a crash. When it succeeds, the post page runs nothing: no ``<script>``
but the theme's JSON-LD and ``share.js``, no ``on*=`` handler, and the feeds are well-formed XML.

Three kinds of input crashed builds before: characters XML forbids (C0 controls, U+FFFE, U+FFFF), dates whose
arithmetic overflows near year 1 or 9999, and explicit YAML tags on values they do not fit (``!!timestamp``,
``!!bool``). The random strategies include them, and each has a test of its own with the known crashes as
explicit examples.

Examples are derandomised (the same every run, no database written); ``HOSPIBLOG_FUZZ_RANDOM=1`` explores new
ones. How many ran, and how many built, were refused or crashed, is printed after the module's tests.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hospiblog.build import build
from hospiblog.content.discover import fingerprint
from hospiblog.content.parse import FIELDS, ParseSettings, parse_post
from hospiblog.errors import HospiblogError
from hospiblog.model import SourceFile
from tests.conftest import NOW, SITE_TOML, write_image

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

RANDOM = os.environ.get("HOSPIBLOG_FUZZ_RANDOM") == "1"
XML_FORBIDDEN = "".join(chr(code) for code in range(0x20) if chr(code) not in "\t\n\r") + "\ufffe\uffff"
COUNTS: dict[str, Counter[str]] = {}


def fuzz_settings(examples: int) -> Callable[[Any], Any]:
    return settings(max_examples=examples, deadline=None, derandomize=not RANDOM, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])


@pytest.fixture(scope="module", autouse=True)
def report_counts(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is None or capture is None or not COUNTS:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        for name, counts in COUNTS.items():
            detail = ", ".join(f"{key} {value}" for key, value in sorted(counts.items()))
            reporter.write_line(f"hypothesis: {sum(counts.values())} examples of {name} ({detail})")


# ---------------------------------------------------------------------------------------------------- text

SPECIALS = [
    "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202e", "\u2066", "\u2069",
    "\ufeff", "\u00a0", "\u202f", "\u2028", "\u2029", "\u0085", "\u007f", "\u0301", "\x0b", "\x1b", "\x00",
    "\ufffe", "\uffff", "שלום", "مرحبا", "עברית",
    "👩\u200d⚕️", "👨\u200d👩\u200d👧", "🏥", "💉", "🇨🇭", "é", "ß", "İ", "ﬁ", "Ⅻ", "«", "»", "'", '"', ":", " : ",
    "#", "&", "&amp;", "&lt;", "<", ">", "\t", "\\", "---", "...", "%", "{{ x }}", "{% x %}", "${x}",
]
TEXT_CHARACTERS = st.characters(codec="utf-8")
"""Any character a UTF-8 file can hold, XML_FORBIDDEN ones included."""
words = st.one_of(st.text(TEXT_CHARACTERS, min_size=1, max_size=10), st.sampled_from(SPECIALS),
                  st.sampled_from(["Varices", "santé", "sommeil", "l'hôpital", "Dr", "2026"]))
texts = st.lists(words, max_size=6).map(" ".join)
one_line = texts.map(lambda text: text.replace("\n", " "))

# -------------------------------------------------------------------------------------------- front matter

OFFSETS = st.builds(lambda minutes: timezone(timedelta(minutes=minutes)), st.integers(-23 * 60 - 59, 23 * 60 + 59))
USUAL_DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
USUAL_DATETIMES = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 12, 31),
                               timezones=st.none() | OFFSETS)
ANY_DATES = st.dates()
ANY_DATETIMES = st.datetimes(timezones=st.none() | OFFSETS)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-10**40, 10**40),
                    st.floats(allow_nan=True, allow_infinity=True), texts, ANY_DATES, ANY_DATETIMES)
keys = st.one_of(st.sampled_from(FIELDS), one_line, st.integers(-5, 5), st.booleans(), st.none())
values = st.recursive(scalars, lambda children: st.lists(children, max_size=4)
                      | st.dictionaries(keys, children, max_size=4), max_leaves=10)


def mostly(usual: st.SearchStrategy[Any], odd: st.SearchStrategy[Any] | None = None, *,
           one_in: int = 12) -> st.SearchStrategy[Any]:
    """A plausible value, and one time in ``one_in`` an odd one (by default: anything at all)."""
    unusual = odd if odd is not None else values
    # The odd value is the last choice: hypothesis favours (and shrinks towards) the first ones.
    return st.sampled_from(range(one_in)).flatmap(lambda draw: unusual if draw == one_in - 1 else usual)


titles = st.builds("{} {}".format, st.sampled_from(["Varices", "Bien dormir", "Santé", "Hôpital", "2026", "Dr"]),
                   one_line)
good_dates = st.one_of(USUAL_DATES, USUAL_DATETIMES, USUAL_DATES.map(str),
                       USUAL_DATETIMES.map(lambda moment: moment.isoformat(" ", "minutes")))
bad_dates = st.one_of(ANY_DATES, ANY_DATETIMES, st.sampled_from(
    ["2026-02-30", "2026-13-01", "demain", "2026-10-01 25:00", "0000-01-01", "20261001", "9999-12-31 23:59"]))
dates_written = mostly(good_dates, mostly(bad_dates, one_in=2))
KNOWN_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "category": mostly(st.just("news"), st.sampled_from(["medicine", "../../etc", "inconnue", ""])),
    "summary": mostly(one_line),
    "author": mostly(st.just("cmartin"), st.sampled_from(["jdupont", "", "../cmartin"])),
    "tags": mostly(st.lists(titles, max_size=5) | titles),
    "draft": mostly(st.booleans()),
    "updated": dates_written,
    "slug": mostly(st.sampled_from(["mon-article", "a1-b2", "x"]),
                   st.sampled_from(["../../etc", "Majuscules", "a--b", "page", "-x-"])),
    "lang": mostly(st.sampled_from(["fr", "de", "en"]), st.sampled_from(["xx", "", "fr-CH"])),
    "reviewed_by": mostly(one_line),
    "last_reviewed": dates_written,
    "consent": mostly(st.fixed_dictionaries(
        {"given": dates_written, "scope": st.lists(st.sampled_from(["web", "social", "print"]), max_size=3)},
        optional={"expires": dates_written})),
    "share_image": mostly(st.just("/images/logo.png"), st.just("data:image/png;base64,AA==")),
    "social": mostly(st.dictionaries(st.sampled_from(["x", "linkedin", "facebook"]), one_line, max_size=3)),
}
images = mostly(st.fixed_dictionaries({"image": st.just("/images/logo.png"), "image_alt": titles}),
                st.fixed_dictionaries({}, optional={
                    "image": st.sampled_from(["/images/absente.jpg", "javascript:alert(1)", "../../../etc/passwd",
                                              "https://tracker.example/x.png"]) | values,
                    "image_alt": values}), one_in=4)
plausible_front_matters = st.builds(
    lambda required, optional, image, extra: {**required, **optional, **image, **extra},
    st.fixed_dictionaries({"title": mostly(titles), "date": dates_written}),
    st.fixed_dictionaries({}, optional=KNOWN_FIELDS),
    st.one_of(st.just({}), images),
    mostly(st.just({}), st.dictionaries(keys, values, min_size=1, max_size=2), one_in=6),
)
wild_front_matters = st.one_of(
    plausible_front_matters,
    st.dictionaries(st.sampled_from(FIELDS), values, max_size=8),
    st.dictionaries(keys, values, max_size=6),
)


@st.composite
def front_matter_text(draw: st.DrawFn, front: st.SearchStrategy[dict[Any, Any]]) -> str:
    """A front matter as YAML: dumped by PyYAML in some style, sometimes damaged by raw lines."""
    data = draw(front)
    try:
        text = yaml.safe_dump(data, allow_unicode=draw(st.booleans()), default_flow_style=draw(st.booleans()),
                              sort_keys=False, width=draw(st.sampled_from([80, 10**6])))
    except yaml.YAMLError:
        text = "title: Essai\ndate: 2026-10-01\n"
    lines = text.splitlines()
    for _ in range(draw(mostly(st.just(0), st.integers(1, 2), one_in=8))):
        position = draw(st.integers(0, len(lines)))
        lines.insert(position, draw(st.one_of(one_line, st.sampled_from(
            ["title: [", "  - ", "date: {", "? x", "&a [1]", "*a", "!!python/name:os.system", ": x", "'"]))))
    # PyYAML's emitter writes some datetimes as `!!timestamp '2000-01-01\n\n  00:00:00'`, which its own
    # constructor cannot read back (AttributeError): a good test of how the front matter's errors are caught.
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------ Markdown

SAFE_BITS = [
    ":::retenir\nBougez au moins 30 minutes par jour.\n:::\n", ":::important Urgences : le 144\nAppelez.\n:::\n",
    ":::consulter\n- fièvre\n- douleur\n:::\n", ":::conseil <b onclick=alert(1)>x</b>\nTexte\n:::\n", "[TOC]\n",
    "[moi-même](essai.md)", "[moi](./essai.md#partie)", "[a](#ancre)", "[site](https://hopital.example/?a=1&b=2)",
    "![Une jambe](/images/logo.png)", "![Une jambe](https://hopital.example/i.png)", "<script>alert(1)</script>",
    "<script src=//x.example/a.js></script>", '<img src="/images/logo.png" alt="x" onerror=alert(1)>',
    '<a href="javascript:alert(1)">x</a>', "<b onclick=alert(1)>gras</b>", "<svg onload=alert(1)>",
    "<style>body{}</style>", "<iframe src=//x.example></iframe>", "<!-- commentaire -->", '<div markdown="1">\n',
    "</div>\n", "<details open ontoggle=alert(1)><summary>s</summary>x</details>", "# Titre 1\n", "## Partie\n",
    "### Détail {: #id .classe }\n", '{: onclick="alert(1)" style="color:red" }\n', "| a | b |\n|---|---|\n| c | d |\n",
    "```\ncode <script>alert(1)</script>\n```\n", "`code`", "[^1]", "[^1]: une note\n", "> citation\n", "- liste\n",
    "1. un\n", "\n\n", "  \n", "    indenté\n", "***", "__x__", "<https://hopital.example>", "&nbsp;", "&amp;", "\\",
    "*", "_", "«", "»", " ! ", " ? ", " ; ", " : ", "<math><mi>x</mi></math>", "<form><input></form>",
    '<a href="/x" style="color:red" onmouseover="alert(1)">y</a>', "<object data=x></object>", "<base href=//x>",
    '<meta http-equiv="refresh" content="0;url=//x.example">',
    '<noscript><p title="</noscript><img src=x alt=y onerror=alert(1)>">',
]
RISKY_BITS = [
    ":::inconnu\n", ":::\n", ":::retenir\n", "[ici](y.md)", "[x](../prevention/bien-dormir.md)",
    "![](/images/absente.jpg)", "<img src=x onerror=alert(1)>", "![x](../../../../etc/passwd)", "&#0;", "&#xD800;",
    "\x00",
]
"""Bits that make a post fail (callouts never closed, links to missing posts, missing images, images without alt,
a NUL byte)."""
markdown_bodies = st.builds(
    lambda bits, risky, position: "".join([*bits[:position], risky, *bits[position:]]) if risky else "".join(bits),
    st.lists(st.one_of(st.sampled_from(SAFE_BITS), texts, st.just("\n")), max_size=25),
    st.one_of(st.none(), st.none(), st.sampled_from(RISKY_BITS)),
    st.integers(0, 25),
)


# ----------------------------------------------------------------------------------------------- the site


class FuzzSite:
    """One small site rebuilt for every example: only posts/news/essai.md changes."""

    def __init__(self, root: Path, name: str) -> None:
        self.root, self.name = root, name
        self.site, self.out = root / "site", root / "out"
        (self.site / "posts" / "news").mkdir(parents=True)
        (self.site / "site.toml").write_text(SITE_TOML, "utf-8")
        write_image(self.site / "static" / "images" / "logo.png", (64, 64))
        self.post = self.site / "posts" / "news" / "essai.md"
        self.counts = COUNTS.setdefault(name, Counter())

    def build(self, text: str) -> Path | None:
        """Builds the site with this post; the post's page, or None when the build refused it."""
        self.post.write_bytes(text.encode("utf-8"))
        try:
            build(self.site, output=self.out, now=NOW, drafts=True, future=True, workers=1)
        except HospiblogError:
            self.counts["refused"] += 1
            return None
        except Exception:
            self.counts["crashed"] += 1
            raise
        self.counts["built"] += 1
        pages = [path for path in (self.out / "actualites").glob("*/index.html") if path.parent.name != "page"]
        assert len(pages) == 1, pages
        return pages[0]


def assert_runs_nothing(page: Path, out: Path) -> None:
    document = lxml.html.fromstring(page.read_bytes())
    for script in document.iter("script"):
        allowed = script.get("type") == "application/ld+json" or (
            (script.get("src") or "").startswith("/share.") and not (script.text or "").strip())
        assert allowed, lxml.html.tostring(script)[:300]
    for element in document.iter():
        handlers = [name for name in element.attrib if name.lower().startswith("on")]
        assert not handlers, f"<{element.tag} {handlers}> in {page}"
    for feed in ("rss.xml", "atom.xml"):
        lxml.etree.fromstring((out / feed).read_bytes())


def post_text(front: str, body: str) -> str:
    return f"---\n{front}\n---\n{body}\n"


# ------------------------------------------------------------------------------------------------- tests


def test_random_posts_build_or_are_refused(tmp_path: Path) -> None:
    """Random front matter and random Markdown: a page that runs nothing, or a HospiblogError."""
    site = FuzzSite(tmp_path, "random posts (front matter + body), built")

    @fuzz_settings(80)
    @given(front=front_matter_text(plausible_front_matters), body=markdown_bodies)
    def check(front: str, body: str) -> None:
        page = site.build(post_text(front, body))
        if page is not None:
            assert_runs_nothing(page, site.out)

    check()


VALID_FRONT = st.builds(
    lambda title, extra: {"title": title, "date": date(2026, 10, 1), **extra},
    st.sampled_from(["Essai", "Bien dormir en hiver", "Santé : « vraiment » ?"]),
    st.fixed_dictionaries({}, optional={"summary": one_line, "tags": st.lists(st.sampled_from(["sante", "sommeil"]))}),
)


def test_random_markdown_runs_nothing(tmp_path: Path) -> None:
    """Valid front matter, hostile Markdown (callouts, TOC, links, images, HTML, scripts, Unicode): it builds or is
    refused, and a built page holds no script or handler of the author's."""
    site = FuzzSite(tmp_path, "random Markdown bodies, built")

    @fuzz_settings(100)
    @given(front=front_matter_text(VALID_FRONT), body=markdown_bodies)
    def check(front: str, body: str) -> None:
        page = site.build(post_text(front, body))
        if page is not None:
            assert_runs_nothing(page, site.out)

    check()


SETTINGS = ParseSettings("fr", "Europe/Zurich", ("medicine", "news", "prevention", "testimonials"))


def parse_text(text: str) -> None:
    path = Path("/site/posts/news/essai.md")
    data = text.encode("utf-8")
    parse_post(SourceFile(path=path, relative="posts/news/essai.md", folder_category="news", data=data,
                          fingerprint=fingerprint(data)), SETTINGS)


def test_random_front_matter_parses_or_is_refused() -> None:
    """Many more front matters through the parse stage alone: a Post or a HospiblogError, nothing else."""
    counts = COUNTS.setdefault("random front matter, parsed only", Counter())

    @fuzz_settings(300)
    @given(front=front_matter_text(wild_front_matters), body=st.one_of(st.just("Un texte."), markdown_bodies))
    def check(front: str, body: str) -> None:
        try:
            parse_text(post_text(front, body))
            counts["parsed"] += 1
        except HospiblogError:
            counts["refused"] += 1

    check()


# ----------------------------------------------------------------------------------- inputs that crashed


def test_forbidden_characters_are_refused_or_dropped(tmp_path: Path) -> None:
    """Characters XML forbids, raw in the body, escaped in YAML or as character references (they crashed the
    feeds: lxml's "All strings must be XML compatible")."""
    site = FuzzSite(tmp_path, "XML-forbidden characters")
    forbidden = st.sampled_from(list(XML_FORBIDDEN))

    @fuzz_settings(25)
    @given(character=forbidden, where=st.sampled_from(["title", "summary", "body", "reference"]))
    # The inputs that crashed, always tried first.
    @example(character="\x0b", where="body")
    @example(character="\x1b", where="title")
    @example(character="\x01", where="reference")
    def check(character: str, where: str) -> None:
        title = f"Essai {character}" if where == "title" else "Essai"
        summary = f"Un résumé {character}" if where == "summary" else "Un résumé"
        body = {"body": f"Texte {character} fin.", "reference": f"Texte &#{ord(character)}; fin."}.get(where, "Texte")
        front = yaml.safe_dump({"title": title, "date": date(2026, 10, 1), "summary": summary}, allow_unicode=True)
        page = site.build(post_text(front, body))
        if page is not None:
            assert_runs_nothing(page, site.out)

    check()


def test_forbidden_characters_in_tags(tmp_path: Path) -> None:
    """The same characters in tags (they reach the feeds as categories)."""
    site = FuzzSite(tmp_path, "XML-forbidden characters in tags")

    @fuzz_settings(15)
    @given(character=st.sampled_from(list(XML_FORBIDDEN)), tag=titles)
    @example(character="\x1b", tag="santé")  # the input that crashed, always tried first
    def check(character: str, tag: str) -> None:
        front = {"title": "Essai", "date": date(2026, 10, 1), "tags": [f"{tag}{character}x", "sommeil"]}
        page = site.build(post_text(yaml.safe_dump(front, allow_unicode=True), "Texte."))
        if page is not None:
            assert_runs_nothing(page, site.out)

    check()


EXTREME_DATES = st.one_of(st.dates(min_value=date(1, 1, 1), max_value=date(1, 12, 31)),
                          st.dates(min_value=date(9998, 1, 1), max_value=date(9999, 12, 31)))


def test_extreme_dates_are_refused_or_built(tmp_path: Path) -> None:
    """Dates near year 1 or 9999 (they overflowed: a consent's expiry in checks/rules.py _change_days, a review
    date in months_before, a date with an offset shown in the site's zone in views.py date_text)."""
    site = FuzzSite(tmp_path, "extreme dates")

    @fuzz_settings(25)
    @given(day=EXTREME_DATES, field=st.sampled_from(["consent", "last_reviewed", "date"]))
    # The inputs that crashed, always tried first.
    @example(day=date(9999, 12, 31), field="consent")
    @example(day=date(9998, 6, 1), field="last_reviewed")
    @example(day=date(9999, 12, 31), field="date")
    def check(day: date, field: str) -> None:
        front: dict[str, Any] = {"title": "Essai", "date": date(2026, 10, 1), "summary": "Un résumé."}
        if field == "consent":
            front["consent"] = {"given": date(2026, 9, 1), "scope": ["web", "social"], "expires": day}
        elif field == "last_reviewed":
            front["last_reviewed"] = day
        else:
            front["date"] = datetime.combine(day, time(23, 59), tzinfo=timezone(timedelta(hours=-12)))
        site.build(post_text(yaml.safe_dump(front, allow_unicode=True), "Texte."))

    check()


def test_explicit_yaml_tags_on_wrong_values() -> None:
    """``!!timestamp 'demain'``, ``!!bool 'peut-être'``… (PyYAML's constructor raises AttributeError, KeyError,
    ValueError on them)."""
    counts = COUNTS.setdefault("explicit YAML tags on wrong values, parsed only", Counter())

    @fuzz_settings(60)
    @given(tag=st.sampled_from(["!!timestamp", "!!bool", "!!int", "!!float"]), value=one_line,
           field=st.sampled_from(["date", "draft", "title", "updated"]))
    # The inputs that crashed, always tried first.
    @example(tag="!!timestamp", value="demain", field="date")
    @example(tag="!!bool", value="peut-être", field="draft")
    def check(tag: str, value: str, field: str) -> None:
        front = {"title": "Essai", "date": "2026-10-01"}
        text = yaml.safe_dump(front, allow_unicode=True) + f"{field}: {tag} {yaml.safe_dump(value).split(chr(10))[0]}"
        try:
            parse_text(post_text(text.replace(f"{field}: ", f"{field}_: ", 1) if field in front else text, "x"))
            counts["parsed"] += 1
        except HospiblogError:
            counts["refused"] += 1
        except Exception:
            counts["crashed"] += 1
            raise

    check()
