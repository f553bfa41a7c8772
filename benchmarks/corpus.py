"""Generate the benchmark corpus: the same posts as three site trees.

    python benchmarks/corpus.py --root /tmp/corpus --n 1000 --seed 42

writes `root/hospiblog/`, `root/pelican/` and `root/hugo/`. Each tree holds
the same posts (same titles, slugs, dates, authors, tags and Markdown body),
written in the native format of its generator, plus a minimal configuration
that asks each generator for the same outputs: a page per post, home,
category and tag listings paginated 10 a page, author pages, an RSS feed for
the site and one per category, 20 entries each with the full content.

The output depends only on `n`, `seed` and `today` (the review and consent
dates of hospiblog's front matter must be recent, so they are counted back
from `today`). Pillow is needed for the shared JPEG images.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import shutil
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

SITE_TITLE = "Le blog de l'Hôpital du Val-Clair"
SITE_DESCRIPTION = "Santé, prévention et vie de l'hôpital"
BASE_URL = "https://blog.hopital-valclair.example"
TIMEZONE = "Europe/Zurich"
POSTS_PER_PAGE = 10
FEED_SIZE = 20
IMAGE_COUNT = 6
IMAGE_SIZE = (800, 450)


@dataclass(frozen=True)
class Category:
    key: str
    slug: str
    label: str
    description: str
    color: str


@dataclass(frozen=True)
class Author:
    key: str
    name: str
    role: str
    service: str


@dataclass(frozen=True)
class InternalLink:
    """A link to another post; each generator spells it its own way."""

    text: str
    target: int


# A body is Markdown text interleaved with internal links.
BodyPart = str | InternalLink


@dataclass(frozen=True)
class Post:
    index: int
    category: Category
    slug: str
    title: str
    date: dt.datetime
    summary: str
    author: Author
    tags: tuple[str, ...]
    body: tuple[BodyPart, ...]
    reviewed_by: str | None
    last_reviewed: dt.date | None
    consent_given: dt.date | None


CATEGORIES: tuple[Category, ...] = (
    Category(
        "medicine", "medecine", "Médecine et soins", "Une consultation expliquée, un traitement, un service.", "#0b5cad"
    ),
    Category("prevention", "prevention", "Prévention", "Des conseils pour rester en bonne santé.", "#1d6b3a"),
    Category(
        "news", "actualites", "Actualités", "La vie de l'hôpital : ouvertures, événements, nominations.", "#6b2d8a"
    ),
    Category("testimonials", "temoignages", "Témoignages", "Des patients et des soignants racontent.", "#8a3b12"),
)

TAGS: tuple[str, ...] = (
    "cœur",
    "veines",
    "sommeil",
    "sport",
    "alimentation",
    "diabète",
    "tabac",
    "vaccination",
    "grossesse",
    "pédiatrie",
    "gériatrie",
    "urgences",
    "chirurgie",
    "radiologie",
    "oncologie",
    "dermatologie",
    "allergies",
    "douleur",
    "santé mentale",
    "stress",
    "dépistage",
    "audition",
    "vision",
    "dos",
    "articulations",
    "rééducation",
    "nutrition",
    "hygiène",
    "hiver",
    "été",
    "voyage",
    "médicaments",
    "bénévolat",
    "recherche",
    "formation",
    "nouveaux locaux",
    "maternité",
    "soins palliatifs",
    "cardiologie",
    "physiothérapie",
)

_FIRST_NAMES = (
    "Claire",
    "Jean",
    "Sophie",
    "Luc",
    "Anne",
    "Marc",
    "Julie",
    "Pierre",
    "Camille",
    "Nicolas",
    "Léa",
    "Thomas",
    "Élodie",
    "François",
    "Manon",
    "Olivier",
    "Chloé",
    "Yves",
    "Inès",
    "Benoît",
    "Nadia",
    "Hugo",
    "Sarah",
    "Rémi",
    "Aurélie",
)
_LAST_NAMES = (
    "Martin",
    "Dupont",
    "Bernard",
    "Rochat",
    "Favre",
    "Morel",
    "Girard",
    "Bonvin",
    "Perrin",
    "Gauthier",
    "Chevalier",
    "Roux",
    "Blanc",
    "Fontaine",
    "Mercier",
    "Dubois",
    "Lambert",
    "Rey",
    "Meyer",
    "Clerc",
    "Vuilleumier",
    "Pittet",
    "Jaquet",
    "Berset",
    "Monnier",
)
_ROLES = (
    "Médecin adjointe",
    "Médecin-chef",
    "Infirmier spécialisé",
    "Physiothérapeute",
    "Chargée de communication",
    "Sage-femme",
    "Diététicienne",
    "Pharmacien",
)
_SERVICES = (
    "Service d'angiologie",
    "Service de cardiologie",
    "Service des urgences",
    "Maternité",
    "Service de pédiatrie",
    "Direction",
    "Service de physiothérapie",
    "Pharmacie",
)

AUTHORS: tuple[Author, ...] = tuple(
    Author(
        key=f"{first[0]}{last}".lower().translate(str.maketrans("éèçô", "eeco")),
        name=f"{first} {last}",
        role=_ROLES[position % len(_ROLES)],
        service=_SERVICES[position % len(_SERVICES)],
    )
    for position, (first, last) in enumerate(zip(_FIRST_NAMES, _LAST_NAMES, strict=True))
)

REVIEWERS: tuple[str, ...] = (
    "Dr Jean Dupont, médecin-chef",
    "Dre Claire Martin, médecin adjointe",
    "Dr Marc Morel, chef de clinique",
    "Dre Julie Girard, médecin-chef",
)

# French-looking filler; accents and apostrophes on purpose, since hospiblog's
# typography and slugs must cope with them at full scale.
_WORD_TEXT = """
santé patient patiente soin soins hôpital clinique médecin infirmière équipe
service consultation traitement douleur cœur sang veine artère poumon
respiration sommeil fatigue stress alimentation repas légumes fruits eau
marche exercice mouvement corps tête dos genou épaule peau œil oreille
prévention dépistage examen analyse résultat diagnostic symptôme signe
fièvre toux rhume grippe vaccin allergie asthme diabète tension poids
enfant bébé parent famille adulte senior âge vie journée semaine mois
année matin soir nuit hiver printemps été automne chaleur froid repos
conseil question réponse rendez-vous urgence accueil chambre lit couloir
bâtiment étage salle attente visite sortie retour suivi contrôle bilan
médicament ordonnance pharmacie dose comprimé pommade pansement plaie
cicatrice opération chirurgie anesthésie réveil convalescence rééducation
physiothérapie séance progrès objectif habitude geste risque facteur cause
effet bienfait besoin envie confort sécurité qualité écoute confiance
information explication document dossier formulaire téléphone message
important simple facile rapide lent long court léger lourd doux fort
régulier quotidien nouveau ancien premier dernier grand petit meilleur
souvent parfois toujours jamais ensuite ainsi pourtant donc aussi encore
déjà bientôt vraiment surtout notamment environ presque très plus moins
avec sans pour chez entre pendant depuis avant après selon vers contre
faire prendre donner garder éviter limiter réduire boire manger dormir
bouger respirer consulter appeler venir partir rester suivre expliquer
comprendre rassurer accompagner soulager protéger surveiller prévenir
le la les un une des du de au aux ce cette ces son sa ses leur nos vos
et ou mais qui que dont où il elle ils elles nous vous on se ne pas
l'équipe l'hôpital l'enfant d'abord d'autres qu'il qu'elle n'est c'est
"""
WORDS: tuple[str, ...] = tuple(_WORD_TEXT.split())


def slugify(text: str) -> str:
    """ASCII, lowercase, dash-separated: the same slug in the three trees."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def make_sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(WORDS, k=rng.randint(low, high))
    if len(words) > 8 and rng.random() < 0.4:
        words[rng.randint(3, len(words) - 4)] += ","
    text = " ".join(words)
    return text[0].upper() + text[1:] + "."


def make_paragraph(rng: random.Random, word_target: int) -> str:
    sentences: list[str] = []
    word_count = 0
    while word_count < word_target:
        sentence = make_sentence(rng, 8, 18)
        sentences.append(sentence)
        word_count += sentence.count(" ") + 1
    return " ".join(sentences)


def make_title(rng: random.Random) -> str:
    title = make_sentence(rng, 4, 8).rstrip(".").replace(",", "")
    return title + (" ?" if rng.random() < 0.2 else "")


def make_summary(rng: random.Random) -> str:
    """One sentence of at most 160 characters, as hospiblog requires."""
    summary = make_sentence(rng, 10, 18)
    while len(summary) > 160:
        summary = summary.rsplit(" ", 2)[0].rstrip(",") + "."
    return summary


def make_list(rng: random.Random) -> str:
    items = [make_sentence(rng, 5, 10).rstrip(".") for _ in range(rng.randint(4, 6))]
    return "\n".join(f"- {item}" for item in items)


def make_table(rng: random.Random) -> str:
    header = "| Moment | Conseil | Durée |\n|---|---|---|"
    rows = [
        f"| {rng.choice(WORDS).capitalize()} | {make_sentence(rng, 3, 6)} | {rng.randint(5, 60)} min |"
        for _ in range(4)
    ]
    return "\n".join([header, *rows])


def make_image(rng: random.Random) -> str:
    alt = make_sentence(rng, 4, 8).rstrip(".")
    return f"![{alt}](/images/photo-{rng.randint(1, IMAGE_COUNT)}.jpg)"


def make_linked_paragraph(rng: random.Random, index: int) -> list[BodyPart]:
    """A paragraph with one external link and, after the first post, one internal link."""
    parts: list[BodyPart] = [make_paragraph(rng, 35) + " Voir aussi "]
    if index > 0:
        link_text = " ".join(rng.choices(WORDS, k=3))
        parts += [InternalLink(link_text, rng.randrange(index)), " et "]
    parts.append(f"[le site de l'OFSP](https://www.example.org/sante/{rng.choice(TAGS).replace(' ', '-')}). ")
    parts.append(make_paragraph(rng, 30))
    return parts


def make_body(rng: random.Random, index: int) -> tuple[BodyPart, ...]:
    """About 700 words: an intro, four `##` sections, a list, links; a table or image in some."""
    blocks: list[list[BodyPart]] = [[make_paragraph(rng, 75)]]
    with_table = rng.random() < 0.25
    with_image = rng.random() < 0.33
    list_section = rng.randrange(4)
    for section in range(4):
        blocks.append([f"## {make_title(rng).rstrip(' ?')}"])
        blocks.append([make_paragraph(rng, 60)])
        if section == 1:
            blocks.append(make_linked_paragraph(rng, index))
        else:
            blocks.append([make_paragraph(rng, 60)])
        if section == list_section:
            blocks.append([make_list(rng)])
        if section == 2 and with_table:
            blocks.append([make_table(rng)])
        if section == 0 and with_image:
            blocks.append([make_image(rng)])
    blocks.append([make_paragraph(rng, 40)])
    parts: list[BodyPart] = []
    for block in blocks:
        parts.extend(block)
        parts.append("\n\n")
    return tuple(parts)


def make_post(rng: random.Random, index: int, today: dt.date) -> Post:
    category = CATEGORIES[index % len(CATEGORIES)]
    title = make_title(rng)
    day = today - dt.timedelta(days=rng.randint(1, 1095))
    date = dt.datetime.combine(day, dt.time(rng.randint(6, 18), rng.choice((0, 15, 30, 45))))
    reviewed = category.key in ("medicine", "prevention")
    review_day = max(day, today - dt.timedelta(days=rng.randint(0, 700)))
    consent_day = day - dt.timedelta(days=rng.randint(5, 60))
    return Post(
        index=index,
        category=category,
        slug=f"{slugify(title)[:50].rstrip('-')}-{index:05d}",
        title=title,
        date=date,
        summary=make_summary(rng),
        author=rng.choice(AUTHORS),
        tags=tuple(rng.sample(TAGS, rng.randint(2, 4))),
        body=make_body(rng, index),
        reviewed_by=rng.choice(REVIEWERS) if reviewed else None,
        last_reviewed=review_day if reviewed else None,
        consent_given=consent_day if category.key == "testimonials" else None,
    )


def make_posts(n: int, seed: int, today: dt.date) -> list[Post]:
    rng = random.Random(seed)
    return [make_post(rng, index, today) for index in range(n)]


def source_path(tree_kind: str, post: Post) -> Path:
    """Where a post's Markdown file lives, relative to its tree."""
    relative = Path(post.category.key) / f"{post.slug}.md"
    prefixes = {"hospiblog": Path("posts"), "pelican": Path("content"), "hugo": Path("content/posts")}
    return prefixes[tree_kind] / relative


def render_body(post: Post, link_target: Callable[[Post], str], posts: Sequence[Post]) -> str:
    pieces = [
        f"[{part.text}]({link_target(posts[part.target])})" if isinstance(part, InternalLink) else part
        for part in post.body
    ]
    return "".join(pieces).rstrip() + "\n"


def quoted(text: str) -> str:
    """A double-quoted string valid in YAML and in TOML (both accept JSON escapes)."""
    return json.dumps(text, ensure_ascii=False)


def yaml_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(quoted(value) for value in values) + "]"


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_images(folder: Path, seed: int) -> None:
    """A handful of small, distinct JPEGs shared by all posts."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    width, height = IMAGE_SIZE
    for number in range(1, IMAGE_COUNT + 1):
        top = tuple(rng.randint(40, 200) for _ in range(3))
        image = Image.new("RGB", IMAGE_SIZE, top)
        draw = ImageDraw.Draw(image)
        for _ in range(12):
            x, y = rng.randint(0, width), rng.randint(0, height)
            radius = rng.randint(20, 120)
            colour = tuple(rng.randint(0, 255) for _ in range(3))
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
        image.save(folder / f"photo-{number}.jpg", "JPEG", quality=80)


# --- hospiblog -------------------------------------------------------------


def hospiblog_site_toml() -> str:
    lines = [
        f"title = {quoted(SITE_TITLE)}",
        f"description = {quoted(SITE_DESCRIPTION)}",
        f"base_url = {quoted(BASE_URL)}",
        'language = "fr"',
        f"timezone = {quoted(TIMEZONE)}",
        f"posts_per_page = {POSTS_PER_PAGE}",
        'theme = "default"',
        'output_dir = "public"',
        f"feed_size = {FEED_SIZE}",
        "feed_full_content = true",
        "",
        "# Share cards (a JPEG per post) are work the peers are not asked for: off, like for like.",
        "[sharing]",
        "cards = false",
        "",
        "[organization]",
        'name = "Hôpital du Val-Clair"',
        'url = "https://www.hopital-valclair.example"',
    ]
    for category in CATEGORIES:
        lines += [
            "",
            f"[categories.{category.key}]",
            f"slug = {quoted(category.slug)}",
            f"label = {quoted(category.label)}",
            f"description = {quoted(category.description)}",
            f"color = {quoted(category.color)}",
        ]
    for author in AUTHORS:
        lines += [
            "",
            f"[authors.{author.key}]",
            f"name = {quoted(author.name)}",
            f"role = {quoted(author.role)}",
            f"service = {quoted(author.service)}",
        ]
    return "\n".join(lines) + "\n"


def hospiblog_link(post: Post) -> str:
    # Posts sit in posts/<category>/, so a sibling folder is one level up.
    return f"../{post.category.key}/{post.slug}.md"


def hospiblog_post(post: Post, posts: Sequence[Post]) -> str:
    lines = [
        "---",
        f"title: {quoted(post.title)}",
        f"date: {post.date:%Y-%m-%d %H:%M}",
        f"category: {post.category.key}",
        f"summary: {quoted(post.summary)}",
        f"author: {post.author.key}",
        f"tags: {yaml_list(post.tags)}",
        f"slug: {post.slug}",
    ]
    if post.reviewed_by is not None:
        lines += [f"reviewed_by: {quoted(post.reviewed_by)}", f"last_reviewed: {post.last_reviewed}"]
    if post.consent_given is not None:
        lines += ["consent:", f"  given: {post.consent_given}", "  scope: [web, social]"]
    lines += ["---", ""]
    return "\n".join(lines) + render_body(post, hospiblog_link, posts)


def write_hospiblog(tree: Path, posts: Sequence[Post], seed: int) -> None:
    write_text(tree / "site.toml", hospiblog_site_toml())
    for post in posts:
        write_text(tree / source_path("hospiblog", post), hospiblog_post(post, posts))
    write_images(tree / "static" / "images", seed)


# --- Pelican ---------------------------------------------------------------

PELICAN_CONF = """\
# Generated by benchmarks/corpus.py: Pelican's defaults plus what the
# benchmark asks of every generator. Pelican's default theme (notmyidea).
AUTHOR = "Hôpital du Val-Clair"
SITENAME = {site_title!r}
SITEURL = {base_url!r}
RELATIVE_URLS = False
PATH = "content"
OUTPUT_PATH = "output"
TIMEZONE = {timezone!r}
DEFAULT_LANG = "fr"

# Category from the folder (content/<category>/<slug>.md); images are static.
USE_FOLDER_AS_CATEGORY = True
STATIC_PATHS = ["images"]

# Listings (index, category, tag, author) 10 a page.
DEFAULT_PAGINATION = {posts_per_page}

# RSS for the whole site and per category, 20 full entries; no other feed.
FEED_DOMAIN = SITEURL
FEED_ALL_RSS = "feeds/all.rss.xml"
CATEGORY_FEED_RSS = "feeds/{{slug}}.rss.xml"
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
FEED_MAX_ITEMS = {feed_size}
RSS_FEED_SUMMARY_ONLY = False

# Same Markdown features as hospiblog: extra (tables, footnotes, attr_list,
# fenced code), heading anchors (toc), code highlighting.
MARKDOWN = {{
    "extension_configs": {{
        "markdown.extensions.codehilite": {{"css_class": "highlight"}},
        "markdown.extensions.extra": {{}},
        "markdown.extensions.meta": {{}},
        "markdown.extensions.toc": {{}},
    }},
    "output_format": "html5",
}}

# Caches on, so the second build is Pelican's warm build; the benchmark
# deletes cache/ and output/ before the cold build.
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CONTENT_CACHING_LAYER = "reader"
CACHE_PATH = "cache"
CHECK_MODIFIED_METHOD = "mtime"
STATIC_CHECK_IF_MODIFIED = True
DELETE_OUTPUT_DIRECTORY = False
"""


def pelican_link(post: Post) -> str:
    return f"{{filename}}/{post.category.key}/{post.slug}.md"


def pelican_post(post: Post, posts: Sequence[Post]) -> str:
    lines = [
        f"Title: {post.title}",
        f"Date: {post.date:%Y-%m-%d %H:%M}",
        f"Slug: {post.slug}",
        f"Author: {post.author.name}",
        f"Tags: {', '.join(post.tags)}",
        f"Summary: {post.summary}",
    ]
    if post.reviewed_by is not None:
        lines += [f"Reviewed_by: {post.reviewed_by}", f"Last_reviewed: {post.last_reviewed}"]
    if post.consent_given is not None:
        lines += [f"Consent_given: {post.consent_given}", "Consent_scope: web, social"]
    return "\n".join(lines) + "\n\n" + render_body(post, pelican_link, posts)


def write_pelican(tree: Path, posts: Sequence[Post], seed: int) -> None:
    write_text(
        tree / "pelicanconf.py",
        PELICAN_CONF.format(
            site_title=SITE_TITLE,
            base_url=BASE_URL,
            timezone=TIMEZONE,
            posts_per_page=POSTS_PER_PAGE,
            feed_size=FEED_SIZE,
        ),
    )
    for post in posts:
        write_text(tree / source_path("pelican", post), pelican_post(post, posts))
    write_images(tree / "content" / "images", seed)


# --- Hugo ------------------------------------------------------------------

HUGO_TOML = """\
# Generated by benchmarks/corpus.py: Hugo's defaults plus what the benchmark
# asks of every generator; the tiny layouts/ beside this file stand for a theme.
baseURL = "{base_url}/"
title = {site_title}
locale = "fr"
defaultContentLanguage = "fr"
timeZone = "{timezone}"
enableRobotsTXT = false
# No listing of the "posts" section: the home page already lists every post,
# and the other two trees have no such second listing.
disableKinds = ["section"]

[pagination]
pagerSize = {posts_per_page}
disableAliases = true  # no page/1/ redirect pages, which the others don't write

[taxonomies]
category = "categories"
tag = "tags"
author = "authors"

# RSS for the home page and per taxonomy term (Hugo's default outputs minus
# the section and taxonomy-index feeds); the cascade below keeps term feeds
# for categories only, as in the other two trees.
[outputs]
home = ["html", "rss"]
section = ["html"]
taxonomy = ["html"]
term = ["html", "rss"]

[[cascade]]
outputs = ["html"]
[cascade.target]
kind = "term"
path = "{{/tags/**,/authors/**}}"

[services.rss]
limit = {feed_size}
"""

HUGO_LAYOUTS: dict[str, str] = {
    "baseof.html": """\
<!doctype html>
<html lang="{{ site.Language.Locale }}">
<head>
<meta charset="utf-8">
<title>{{ if not .IsHome }}{{ .Title }} – {{ end }}{{ site.Title }}</title>
<link rel="alternate" type="application/rss+xml" href="{{ site.Home.Permalink }}index.xml">
</head>
<body>
<header><a href="{{ site.Home.Permalink }}">{{ site.Title }}</a>
<nav><ul>{{ range site.Taxonomies.categories }}
<li><a href="{{ .Page.Permalink }}">{{ .Page.Title }}</a></li>{{ end }}</ul></nav>
</header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ site.Title }}</footer>
</body>
</html>
""",
    "page.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ range .GetTerms "authors" }} par <a href="{{ .Permalink }}">{{ .LinkTitle }}</a>{{ end }}
{{ range .GetTerms "categories" }} dans <a href="{{ .Permalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ .Content }}
<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .Permalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</article>
{{ end }}
""",
    "list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ if eq .Kind "taxonomy" }}
<ul>{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.Permalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ else }}
{{ $pager := .Paginate (cond .IsHome site.RegularPages .RegularPages) }}
{{ range $pager.Pages }}
<article><h2><a href="{{ .Permalink }}">{{ .Title }}</a></h2>
<p><time>{{ .Date.Format "2 January 2006" }}</time></p>
<p>{{ .Summary }}</p></article>
{{ end }}
<nav>{{ with $pager.Prev }}<a href="{{ .URL }}">Précédent</a>{{ end }}
{{ with $pager.Next }}<a href="{{ .URL }}">Suivant</a>{{ end }}</nav>
{{ end }}
{{ end }}
""",
    # Full content in the feeds, as hospiblog (feed_full_content) and Pelican
    # (RSS_FEED_SUMMARY_ONLY = False) do; Hugo's embedded template has summaries.
    "rss.xml": """\
{{- $pages := cond .IsHome site.RegularPages .RegularPages -}}
{{- $pages = $pages | first site.Config.Services.RSS.Limit -}}
{{- printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\"?>" | safeHTML }}
<rss version="2.0"><channel>
<title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} – {{ site.Title }}{{ end }}</title>
<link>{{ .Permalink }}</link>
<description>{{ site.Title }}</description>
<language>{{ site.Language.Locale }}</language>
{{- range $pages }}
<item><title>{{ .Title }}</title><link>{{ .Permalink }}</link><guid>{{ .Permalink }}</guid>
<pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
<description>{{ .Content | transform.XMLEscape | safeHTML }}</description></item>
{{- end }}
</channel></rss>
""",
}


def hugo_link(post: Post) -> str:
    return f'{{{{< relref "/posts/{post.category.key}/{post.slug}.md" >}}}}'


def hugo_post(post: Post, posts: Sequence[Post]) -> str:
    lines = [
        "---",
        f"title: {quoted(post.title)}",
        f"date: {post.date:%Y-%m-%dT%H:%M:%S}",
        f"slug: {post.slug}",
        f"summary: {quoted(post.summary)}",
        f"categories: [{post.category.key}]",
        f"tags: {yaml_list(post.tags)}",
        f"authors: [{post.author.key}]",
    ]
    params: list[str] = []
    if post.reviewed_by is not None:
        params += [f"  reviewed_by: {quoted(post.reviewed_by)}", f"  last_reviewed: {post.last_reviewed}"]
    if post.consent_given is not None:
        params += ["  consent:", f"    given: {post.consent_given}", "    scope: [web, social]"]
    if params:
        lines += ["params:", *params]
    lines += ["---", ""]
    return "\n".join(lines) + render_body(post, hugo_link, posts)


def hugo_term_index(title: str) -> str:
    return f"---\ntitle: {quoted(title)}\n---\n"


def write_hugo(tree: Path, posts: Sequence[Post], seed: int) -> None:
    write_text(
        tree / "hugo.toml",
        HUGO_TOML.format(
            base_url=BASE_URL,
            site_title=quoted(SITE_TITLE),
            timezone=TIMEZONE,
            posts_per_page=POSTS_PER_PAGE,
            feed_size=FEED_SIZE,
        ),
    )
    for name, text in HUGO_LAYOUTS.items():
        write_text(tree / "layouts" / name, text)
    # Category and author labels, as hospiblog takes them from site.toml.
    for category in CATEGORIES:
        write_text(tree / "content" / "categories" / category.key / "_index.md", hugo_term_index(category.label))
    for author in AUTHORS:
        write_text(tree / "content" / "authors" / author.key / "_index.md", hugo_term_index(author.name))
    for post in posts:
        write_text(tree / source_path("hugo", post), hugo_post(post, posts))
    write_images(tree / "static" / "images", seed)


# --- entry points ----------------------------------------------------------


def generate(root: Path, n: int, seed: int, *, today: dt.date | None = None) -> list[Post]:
    """Write the three trees under `root` (replacing them) and return the posts."""
    posts = make_posts(n, seed, today or dt.date.today())
    for name, write_tree in (("hospiblog", write_hospiblog), ("pelican", write_pelican), ("hugo", write_hugo)):
        tree = root / name
        shutil.rmtree(tree, ignore_errors=True)
        write_tree(tree, posts, seed)
    return posts


def average_words(posts: Sequence[Post]) -> int:
    """Words of Markdown body per post (internal link texts left out)."""
    words = sum(len("".join(part for part in post.body if isinstance(part, str)).split()) for post in posts)
    return words // max(len(posts), 1)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, required=True, help="folder to write the three trees into")
    parser.add_argument("--n", type=int, default=1000, help="number of posts")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        help="YYYY-MM-DD the dates count back from (default: today)",
    )
    arguments = parser.parse_args(argv)
    posts = generate(arguments.root, arguments.n, arguments.seed, today=arguments.today)
    print(f"{len(posts)} posts, about {average_words(posts)} words each, in {arguments.root}")


if __name__ == "__main__":
    main()
