"""The social kit: share links for readers, and ready-to-post texts and images for the hospital's accounts.

- :func:`share_links`: "share on…" links for a page (Facebook, LinkedIn, X, WhatsApp, e-mail), every one
  working without JavaScript and carrying ``utm_*`` parameters unless ``[sharing] utm = false``.
- :func:`compose`: the text to post on a network, within that network's limit (:data:`NETWORK_LIMITS`);
  an editor's ``social:`` text in the front matter is used as it is, and refused when over the limit.
- :func:`write_kit`: one folder per post with the images for each network, ``texts.json`` and
  ``texts.txt``, plus scheduler files at the top of the kit.

Scheduler files: Hootsuite's *bulk composer* CSV
-------------------------------------------------
Hootsuite (Publisher → Bulk composer) imports a CSV of up to 350 rows and posts every row to each of the
social profiles chosen at upload; texts differ between networks, so the kit writes one file per network
that takes links: ``schedule-facebook.csv``, ``schedule-linkedin.csv`` and ``schedule-x.csv``. Instagram
(which needs the image itself) and WhatsApp (no scheduler) are left to the per-post folders.

Each file is UTF-8 without byte-order mark, comma-separated, quoted where needed (``csv`` module,
RFC 4180 line ends), without a header row, with three columns:

1. **date and time** the message goes out, ``dd/mm/yyyy hh:mm`` on a 24-hour clock in the site's time
   zone (choose "dd/mm/yyyy" as the date format when uploading). It is the post's publication time,
   moved up to the next multiple of 5 minutes, because Hootsuite only accepts minutes ending in 0 or 5.
   Hootsuite also refuses times in the past: select the posts to schedule with :func:`select_posts`.
2. **message**, on one line (paragraphs joined by a space: line breaks inside a bulk message are not
   reliably kept), without the link;
3. **link**: the post's URL with its ``utm_*`` parameters; Hootsuite appends it to the message (and may
   shorten it). For X the message leaves room for it: 280 − 23 − 1.

These column rules are Hootsuite's as we know them from its help centre and sample file; check the
sample offered in the bulk composer if an upload is refused.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from .cards import fit_jpeg
from .config import SharingConfig, SiteConfig
from .errors import ContentError, SourceLocation
from .events import language_of, social_line
from .model import Post
from .urls import absolute

NETWORKS = ("facebook", "instagram", "linkedin", "x", "whatsapp")
"""The networks a post can be prepared for (the keys of ``social:`` in the front matter)."""
SCHEDULED_NETWORKS = ("facebook", "linkedin", "x")
"""Networks that get a scheduler file."""


@dataclass(frozen=True)
class NetworkLimit:
    """What a network accepts in one post."""

    characters: int
    """Longest text; for X, in weighted characters (twitter-text), every URL counting 23."""
    hashtags: int = 0
    """Most hashtags the network accepts; 0 when it states no limit."""
    links: bool = True
    """False where links in a post are not clickable (Instagram: "lien en bio")."""


NETWORK_LIMITS: dict[str, NetworkLimit] = {
    # X: 280 weighted characters, each URL counted as 23 (t.co), per X's developer documentation
    # "Counting characters" and twitter-text's configuration v3 (maxWeightedTweetLength 280,
    # transformedURLLength 23); measured with the twitter-text-parser package.
    "x": NetworkLimit(characters=280),
    # LinkedIn: 3,000 characters for a post, per LinkedIn's Help Center; the same figure is commonly
    # given for Page posts, which we have not found stated separately (unsure).
    "linkedin": NetworkLimit(characters=3000),
    # Instagram: captions up to 2,200 characters and 30 hashtags, per the Instagram Graph API reference
    # (IG User Media: "maximum 2200 characters, 30 hashtags, and 20 @ tags") and the Help Center's
    # 30-hashtag rule. Links in captions are not clickable. We write at most [sharing] hashtags_max.
    "instagram": NetworkLimit(characters=2200, hashtags=30, links=False),
    # Facebook: 63,206 characters for a post. Widely reported, not found in Facebook's Help Center (unsure).
    "facebook": NetworkLimit(characters=63206),
    # WhatsApp: about 65,536 characters per message, widely reported but not documented by WhatsApp
    # (unsure); its Cloud API caps a text message at 4,096. Our texts stay far below both.
    "whatsapp": NetworkLimit(characters=65536),
}
X_URL_LENGTH = 23
"""What X counts for any URL (t.co)."""
LINK_IN_BIO = {"fr": "Lien en bio", "de": "Link in der Bio", "en": "Link in bio"}
"""What an Instagram caption says instead of a link, by language."""
JOB_WORDS = {"fr": ("Nous recrutons\u202f: {title}", "Candidatures jusqu\u2019au {date}."),
             "de": ("Wir stellen ein: {title}", "Bewerbungen bis {date}."),
             "en": ("We are hiring: {title}", "Applications until {date}.")}
"""How a job offer's text opens and says its closing date, by language (French with its typography)."""
JOB_HASHTAGS = 3
"""Hashtags that close a job offer's LinkedIn text (from its tags): a few help people who follow them find it."""
KIT_WORDS = {"fr": ("Lien", "Images"), "de": ("Link", "Bilder"), "en": ("Link", "Images")}
"""The two labels of ``texts.txt``, by language."""
NETWORK_NAMES = {"facebook": "Facebook", "instagram": "Instagram", "linkedin": "LinkedIn", "x": "X",
                 "whatsapp": "WhatsApp", "email": "E-mail"}
SCHEDULE_DATE_FORMAT = "%d/%m/%Y %H:%M"
"""Hootsuite's ``dd/mm/yyyy hh:mm``."""
_INVALID_X = re.compile("[\ufffe\ufeff\uffff]")
"""Characters twitter-text refuses (its ``invalid_chars``)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\r\n\f\v\u2028\u2029\u0085]+")
_HASHTAG_WORD = re.compile(r"[^\W_]+")
_TRAILING = " ,;:–-\u202f\u00a0"


# ---------------------------------------------------------------- lengths



def _parse_tweet(text: str) -> Any:
    """X's own counting rules (twitter-text), imported on first use: the import costs a quarter of a second."""
    from twitter_text import parse_tweet

    return parse_tweet(text)

def clean(text: str) -> str:
    """NFC text on one line, without control characters or characters X refuses."""
    text = _INVALID_X.sub("", _CONTROL.sub("", unicodedata.normalize("NFC", text)))
    return _SPACES.sub(" ", text).strip()


def text_length(text: str, network: str) -> int:
    """The length a network counts: X's weighted length, code points elsewhere (after NFC)."""
    text = unicodedata.normalize("NFC", text)
    return int(_parse_tweet(text).weightedLength) if network == "x" else len(text)


def fits(text: str, network: str) -> bool:
    """Whether a text can be posted on a network as it is."""
    if network == "x":
        text = unicodedata.normalize("NFC", text)
        if text.strip() and _surely_short_for_x(text):
            return True
        return bool(_parse_tweet(text).valid)
    return 0 < text_length(text, network) <= NETWORK_LIMITS[network].characters


def _surely_short_for_x(text: str) -> bool:
    """An upper bound of X's count that spares the slow exact one (its rules: a character weighs 1 below
    U+1100 once in NFC, except © and ® which X counts as emoji, and 2 at most elsewhere; a link it
    recognises counts 23). Every link X recognises holds a dot, no dot belongs to two links, and a link is at
    least 4 characters long, so links add at most 19 a dot to the characters' own weight. Under the limit by
    this bound is under it by X's count too (``tests/test_social.py`` checks the bound against X's count)."""
    return x_weight_bound(text) <= NETWORK_LIMITS["x"].characters and not _INVALID_X.search(text)


def x_weight_bound(text: str) -> int:
    """At least X's weighted length of the NFC ``text``; see :func:`_surely_short_for_x`."""
    heavy = sum(1 for character in text if character >= "\u1100" or character in "\u00a9\u00ae")
    return len(text) + heavy + (X_URL_LENGTH - 4) * text.count(".")


def shorten(text: str, accept: Callable[[str], bool], *, longest: int) -> str:
    """``text`` cut at a word (or, for one long word, a character) and ended with … until ``accept`` holds.

    ``longest`` bounds the characters tried first, so a huge text costs no more than a short one.
    """
    if accept(text):
        return text
    words = text[:longest].split(" ")
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words).rstrip(_TRAILING) + "…"
        if accept(candidate):
            return candidate
    characters = words[0] if words else ""
    while characters:
        characters = characters[:-1]
        if accept(characters + "…"):
            return characters + "…"
    return ""


# ---------------------------------------------------------------- links


def tracked_url(url: str, network: str, sharing: SharingConfig) -> str:
    """``url`` with ``utm_source=<network>``, ``utm_medium`` and ``utm_campaign`` (replacing any already there)."""
    if not sharing.utm:
        return url
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)
             if not key.startswith("utm_")]
    query += [("utm_source", network), ("utm_medium", sharing.utm_medium), ("utm_campaign", sharing.utm_campaign)]
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


@dataclass(frozen=True)
class ShareLink:
    """A "share on…" link of a page."""

    network: str
    """facebook, linkedin, x, whatsapp or email."""
    name: str
    """The network's name as readers know it."""
    url: str
    label_key: str
    """UI string giving the link's accessible name: ``t(link.label_key, network=link.name)``."""


def _query(base: str, params: Sequence[tuple[str, str]]) -> str:
    # quote (not quote_plus): spaces as %20, which mailto: (RFC 6068) requires and every network accepts.
    return base + urlencode(params, quote_via=quote)


def share_links(url: str, title: str, summary: str, sharing: SharingConfig) -> list[ShareLink]:
    """Share links for the page at the absolute ``url``, in the order a page shows them."""
    title, summary = clean(title), clean(summary)

    def link(network: str) -> str:
        return tracked_url(url, network, sharing)

    x_text = shorten(title, lambda text: fits(f"{text} {link('x')}", "x"), longest=280)
    body = f"{summary}\r\n\r\n{link('email')}" if summary else link("email")
    return [
        ShareLink("facebook", "Facebook",
                  _query("https://www.facebook.com/sharer/sharer.php?", [("u", link("facebook"))]), "share_on"),
        ShareLink("linkedin", "LinkedIn",
                  _query("https://www.linkedin.com/sharing/share-offsite/?", [("url", link("linkedin"))]), "share_on"),
        ShareLink("x", "X", _query("https://x.com/intent/post?", [("text", x_text), ("url", link("x"))]), "share_on"),
        ShareLink("whatsapp", "WhatsApp", _query("https://wa.me/?", [("text", f"{title} {link('whatsapp')}")]),
                  "share_on"),
        ShareLink("email", NETWORK_NAMES["email"], _query("mailto:?", [("subject", title), ("body", body)]),
                  "share_by_email"),
    ]


# ---------------------------------------------------------------- texts


def hashtag(tag: str) -> str:
    """A tag as a hashtag: ``santé mentale`` → ``#SantéMentale``; "" when nothing valid is left.

    Each word starts with a capital ("camel case"), which screen readers read word by word; accents are
    kept, since Instagram, X, Facebook and LinkedIn accept Unicode letters. Hashtags hold only letters
    and digits, and one made only of digits is not a hashtag.
    """
    words = _HASHTAG_WORD.findall(unicodedata.normalize("NFC", tag))
    text = "".join(word[:1].upper() + word[1:] for word in words)
    return "#" + text if text and not text.isdigit() else ""


def hashtags(tags: Iterable[str], most: int) -> list[str]:
    """At most ``most`` distinct hashtags made from tags, in the tags' order."""
    seen: set[str] = set()
    result: list[str] = []
    for tag in tags:
        made = hashtag(tag)
        if made and made.casefold() not in seen and len(result) < most:
            seen.add(made.casefold())
            result.append(made)
    return result


HASHTAG_NETWORKS = ("facebook", "instagram", "linkedin", "x")
"""Networks whose texts carry a campaign's hashtags (not WhatsApp: a message to people, not a public post)."""


def campaign_hashtags(post: Post, config: SiteConfig) -> list[str]:
    """The hashtags of the post's campaign (``[campaigns.<key>] hashtags``), or none."""
    campaign = config.campaigns.get(post.meta.campaign or "")
    return hashtags(campaign.hashtags, len(campaign.hashtags)) if campaign else []


def _language(post: Post, config: SiteConfig) -> str:
    return post.meta.lang or config.language


def _override(post: Post, network: str) -> str | None:
    return dict(post.meta.social).get(network)


def _check_override(post: Post, network: str, text: str) -> str:
    text = unicodedata.normalize("NFC", text).strip()
    if fits(text, network):
        return text
    name, limit = NETWORK_NAMES[network], NETWORK_LIMITS[network].characters
    unit = "weighted characters (a link counts 23, an emoji 2)" if network == "x" else "characters"
    problem = (f"the {name} text in 'social' is {text_length(text, network)} {unit} long; {name} accepts {limit}"
               if text else f"the {name} text in 'social' is empty")
    raise ContentError(problem, location=SourceLocation(post.source_path, post.meta.line_of("social")),
                       hint=f"shorten `{network}:` under `social:`, or remove it to let hospiblog write the text")


def message(post: Post, network: str, config: SiteConfig, *, suffix: str = "", flat: bool = False) -> str:
    """The text to post before ``suffix`` (the link and its separator), so that both together fit; ``flat`` measures
    the text as :func:`one_line` will put it (a scheduler's message).

    Title and summary, cut with … where needed (X); Instagram adds "Lien en bio" and hashtags from the tags.
    A campaign's hashtags follow the text on Facebook, LinkedIn and X (and lead Instagram's): the text is
    shortened to keep them, and they are left out only when even a one-word text could not fit beside them.
    The suffix is measured as the network measures it: twitter-text only counts 23 for what it
    recognises as a URL (a host on an unknown top-level domain counts in full).
    """
    title, summary = clean(post.meta.title), clean(post.meta.summary)
    event = clean(social_line(post.meta, config))
    if event:  # an event's date and place come right after its title
        title = f"{title}\n\n{event}"
    if post.meta.job is not None:
        title = job_facts(post, config)
    if network == "instagram":
        return _instagram_caption(post, config, title, summary)
    body = f"{title}\n\n{summary}" if summary and not _facts_alone(post, network) else title
    if post.meta.job is not None and network == "linkedin":
        tags = " ".join(hashtags(post.meta.tags, JOB_HASHTAGS))
        body += f"\n\n{tags}" if tags else ""
    limit = NETWORK_LIMITS[network].characters
    shape: Callable[[str], str] = one_line if flat else str
    tags = " ".join(campaign_hashtags(post, config)) if network in HASHTAG_NETWORKS else ""
    if tags:
        text = shorten(body, lambda candidate: fits(shape(f"{candidate}\n\n{tags}") + suffix, network),
                       longest=limit)
        if text:
            return f"{text}\n\n{tags}"
    return shorten(body, lambda text: fits(shape(text) + suffix, network), longest=limit)


def _facts_alone(post: Post, network: str) -> bool:
    """Whether a job offer's text is its facts alone: on X they take the room a summary would need."""
    return post.meta.job is not None and network == "x"


def job_facts(post: Post, config: SiteConfig) -> str:
    """What a job offer's text opens with, LinkedIn first: the position, its service and rate, then the closing
    date, on two lines ("Nous recrutons : Physiothérapeute, Service de physiothérapie, 60–80 %.")."""
    from .dates import long_date  # Babel, loaded only for a kit with job offers

    job = post.meta.job
    assert job is not None
    language = _language(post, config)
    opening, closing = JOB_WORDS.get(language, JOB_WORDS["en"])
    position = ", ".join(clean(fact) for fact in (job.title, job.service, job.rate) if fact)
    lines = [opening.format(title=position) + "."]
    if job.closes is not None:
        lines.append(closing.format(date=long_date(job.closes, language)))
    return "\n".join(lines)


def _instagram_caption(post: Post, config: SiteConfig, title: str, summary: str) -> str:
    limit = NETWORK_LIMITS["instagram"]
    wanted = [*campaign_hashtags(post, config), *post.meta.tags]
    tags = " ".join(hashtags(wanted, min(limit.hashtags, config.sharing.hashtags_max)))
    bio = LINK_IN_BIO.get(_language(post, config), LINK_IN_BIO["en"])
    tail = f"\n\n{bio}" + (f"\n\n{tags}" if tags else "")
    room = limit.characters - len(tail)
    body = shorten(f"{title}\n\n{summary}" if summary else title, lambda text: len(text) <= room, longest=room)
    return body + tail


def compose(post: Post, network: str, url: str, config: SiteConfig) -> str:
    """The ready-to-post text for ``network``: message, then the link ``url`` (Instagram: no link).

    The post's own ``social: {network: "…"}`` is used as it is; a ContentError names the file and the
    line of ``social:`` when it is over the network's limit.
    """
    override = _override(post, network)
    if override is not None:
        return _check_override(post, network, override)
    if not NETWORK_LIMITS[network].links:
        return message(post, network, config)
    text = message(post, network, config, suffix="\n\n" + url)
    return f"{text}\n\n{url}" if text else url


# ---------------------------------------------------------------- selection


def select_posts(posts: Sequence[Post], names: Iterable[str] = (), since: date | datetime | None = None) -> list[Post]:
    """The posts named (by slug, file name or path such as ``posts/news/x.md``), published on or after ``since``.

    No names means every post. Order is kept (newest first). An unknown name is a ContentError.
    """
    wanted = list(names)
    chosen = [post for post in posts if _is_since(post, since)]
    if not wanted:
        return chosen
    by_name: dict[str, Post] = {}
    for post in posts:
        for name in _names_of(post):
            by_name.setdefault(name, post)
    for name in wanted:
        if name.strip().lower() not in by_name:
            close = difflib.get_close_matches(name.strip().lower(), list(by_name), n=1)
            hint = (f"did you mean '{close[0]}'?" if close
                    else "give the article's slug or its file, e.g. posts/news/x.md")
            raise ContentError(f"no published article named '{name}'", hint=hint)
    picked = {by_name[name.strip().lower()].relative for name in wanted}
    return [post for post in chosen if post.relative in picked]


def _names_of(post: Post) -> list[str]:
    relative = post.relative.lower()
    inner = relative.removeprefix("posts/")
    return [post.meta.slug, relative, inner, inner.removesuffix(".md"), Path(relative).stem]


def _is_since(post: Post, since: date | datetime | None) -> bool:
    if since is None:
        return True
    if isinstance(since, datetime):
        return post.meta.date >= since
    return post.meta.date.date() >= since


# ---------------------------------------------------------------- the kit


@dataclass(frozen=True)
class KitEntry:
    """One network's part of a post's kit."""

    network: str
    text: str
    link: str
    images: tuple[str, ...]


def kit_folder(post: Post, prefix: str = "") -> str:
    """Name of a post's folder in the kit: ``2026-10-14-<slug>``; a post in another language than the site's
    default one ends with its language (``-de``): a translation may keep its original's slug and date."""
    return "-".join(filter(None, (post.meta.date.date().isoformat(), post.meta.slug, prefix)))


def schedule_time(when: datetime, config: SiteConfig) -> str:
    """A post's date as Hootsuite wants it: site time zone, next multiple of 5 minutes, ``dd/mm/yyyy hh:mm``."""
    local = when.astimezone(config.zone)
    rounded = local.replace(minute=local.minute - local.minute % 5, second=0, microsecond=0)
    if rounded < local:
        rounded += timedelta(minutes=5)
    return rounded.strftime(SCHEDULE_DATE_FORMAT)


def _image_suffix(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return ".png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    return ".jpg"


def _kit_images(images: Mapping[str, bytes]) -> dict[str, bytes]:
    """File name → bytes of a post's images for each network."""
    files: dict[str, bytes] = {}
    if "og" in images:
        for network in ("facebook", "linkedin", "x"):
            files[network + _image_suffix(images["og"])] = images["og"]
        # WhatsApp shows no link preview above ~300 KB; the og card is drawn under it, a share_image may not be.
        small = fit_jpeg(images["og"], 300_000)
        files["whatsapp" + _image_suffix(small)] = small
    for size in ("square", "story"):
        if size in images:
            files[f"instagram-{size}.jpg"] = images[size]
    return files


def kit_entries(post: Post, config: SiteConfig, image_files: Iterable[str]) -> list[KitEntry]:
    """Each network's text, link and images for a post."""
    url = absolute(config.base_url, config.post_url(post.meta.category, post.meta.slug, post.meta.lang))
    names = sorted(image_files)
    entries = []
    for network in NETWORKS:
        link = tracked_url(url, network, config.sharing)
        images = tuple(name for name in names if name.startswith(network))
        entries.append(KitEntry(network, compose(post, network, link, config), link, images))
    return entries


def texts_json(post: Post, config: SiteConfig, entries: Sequence[KitEntry]) -> str:
    """``texts.json``: every network's text, link, length and limit."""
    data = {
        "title": post.meta.title,
        "date": post.meta.date.isoformat(),
        "url": absolute(config.base_url, config.post_url(post.meta.category, post.meta.slug, post.meta.lang)),
        "networks": {entry.network: {
            "text": entry.text, "link": entry.link, "images": list(entry.images),
            "length": text_length(entry.text, entry.network),
            "limit": NETWORK_LIMITS[entry.network].characters,
        } for entry in entries},
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def texts_txt(post: Post, entries: Sequence[KitEntry], language: str = "fr") -> str:
    """``texts.txt``: the same texts, to copy and paste, with the length each network counts."""
    link_word, images_word = KIT_WORDS.get(language, KIT_WORDS["en"])
    blocks = [post.meta.title, "=" * len(post.meta.title)]
    for entry in entries:
        limit = NETWORK_LIMITS[entry.network].characters
        blocks += ["", f"--- {NETWORK_NAMES[entry.network]} ({text_length(entry.text, entry.network)}/{limit}) ---",
                   entry.text, "", f"{link_word} : {entry.link}" if language == "fr" else f"{link_word}: {entry.link}"]
        if entry.images:
            separator = " : " if language == "fr" else ": "
            blocks.append(f"{images_word}{separator}{', '.join(entry.images)}")
    return "\n".join(blocks) + "\n"


def schedule_rows(posts: Sequence[Post], config: SiteConfig, network: str) -> list[tuple[str, str, str]]:
    """Hootsuite bulk-composer rows for one network: (date, one-line message, link); an event's announcement is
    followed by its reminders (:func:`reminder_rows`)."""
    rows: list[tuple[str, str, str]] = []
    for post in posts:
        edition = config.edition_for(post.meta.lang)
        rows.append((schedule_time(post.meta.date, edition), *_schedule_message(post, edition, network)))
        rows += reminder_rows(post, edition, network)
    return rows


REMINDERS = ((timedelta(days=7), 0), (timedelta(days=1), 1))
"""An event's reminders: a week and a day before its first day, at :data:`REMINDER_TIME` (index into the words)."""
REMINDER_TIME = time(9, 0)
"""When a reminder goes out, in the site's time zone: a morning post is read that day."""
REMINDER_WORDS = {"fr": ("Dans une semaine", "Demain"), "de": ("In einer Woche", "Morgen"),
                  "en": ("In a week", "Tomorrow")}
"""What a reminder's message starts with, by language."""


def reminder_rows(post: Post, config: SiteConfig, network: str) -> list[tuple[str, str, str]]:
    """Scheduler rows reminding of a post's event a week and a day before, at 9:00; none for a cancelled or
    postponed event, and none before the post is published or after the event started."""
    event = post.meta.event
    if event is None or event.status in ("cancelled", "postponed"):
        return []
    first_day = event.start.astimezone(config.zone).date()
    url = absolute(config.base_url, config.post_url(post.meta.category, post.meta.slug, post.meta.lang))
    link = tracked_url(url, network, config.sharing)
    language = language_of(post.meta, config)
    words = REMINDER_WORDS.get(language, REMINDER_WORDS["en"])
    colon = "\u202f: " if language == "fr" else ": "  # French puts a narrow no-break space before a colon
    rows = []
    for before, word in REMINDERS:
        moment = datetime.combine(first_day - before, REMINDER_TIME, tzinfo=config.zone)
        if not post.meta.date < moment < event.start:
            continue
        text = one_line(f"{words[word]}{colon}{post.meta.title} – {social_line(post.meta, config)}")
        text = shorten(text, lambda candidate: fits(f"{candidate} {link}", network),
                       longest=NETWORK_LIMITS[network].characters)
        rows.append((schedule_time(moment, config), text, link))
    return rows


def _schedule_message(post: Post, config: SiteConfig, network: str) -> tuple[str, str]:
    url = absolute(config.base_url, config.post_url(post.meta.category, post.meta.slug, post.meta.lang))
    link = tracked_url(url, network, config.sharing)
    override = _override(post, network)
    if override is not None:
        text = one_line(_check_override(post, network, override))
        # The editor's text may already hold the link; Hootsuite would add a second one.
        has_link = "http://" in text or "https://" in text
        return text, "" if has_link or not fits(f"{text} {link}", network) else link
    # Hootsuite joins message and link with a space; the one-line form is measured again.
    text = shorten(one_line(message(post, network, config, suffix=" " + link, flat=True)),
                   lambda candidate: fits(f"{candidate} {link}", network),
                   longest=NETWORK_LIMITS[network].characters)
    return text, link


def one_line(text: str) -> str:
    """Paragraphs on one line: joined by a space after closing punctuation, by " – " otherwise."""
    joined = ""
    for paragraph in (clean(part) for part in text.split("\n\n")):
        if not paragraph:
            continue
        if joined:
            joined += " " if joined[-1] in ".!?…:»)" else " – "
        joined += paragraph
    return joined


def schedule_csv(rows: Iterable[tuple[str, str, str]]) -> str:
    """The rows as CSV text (no header, RFC 4180 quoting and line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return buffer.getvalue()


def write_kit(posts: Sequence[Post], site_config: SiteConfig, output_dir: Path,
              card_images: Mapping[str, Mapping[str, bytes]]) -> list[Path]:
    """Writes the kit of ``posts`` into ``output_dir``; returns the files written.

    ``card_images`` gives, by ``post.relative``, the images by size name (``og``, ``square``, ``story``),
    as :func:`hospiblog.cards.post_card_images` returns them. Every text is checked before anything is
    written, so an over-long ``social:`` text leaves no half-written kit.
    """
    planned: dict[Path, bytes] = {}
    for post in posts:
        config = site_config.edition_for(post.meta.lang)  # the post's texts in its language
        folder = output_dir / kit_folder(post, config.prefix)
        images = _kit_images(card_images.get(post.relative, {}))
        entries = kit_entries(post, config, images)
        planned.update({folder / name: data for name, data in images.items()})
        planned[folder / "texts.json"] = texts_json(post, config, entries).encode("utf-8")
        planned[folder / "texts.txt"] = texts_txt(post, entries, _language(post, config)).encode("utf-8")
    for network in SCHEDULED_NETWORKS:
        rows = schedule_rows(posts, site_config, network)
        planned[output_dir / f"schedule-{network}.csv"] = schedule_csv(rows).encode()
    for path, data in planned.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return list(planned)
