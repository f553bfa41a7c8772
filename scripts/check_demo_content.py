#!/usr/bin/env python3
"""Check the demo content (site.toml, posts/, static/) of the Val-Clair blog.

Independent of the hospiblog package: it only needs python-frontmatter
(pip install python-frontmatter). Prints a table of the posts and a list of
problems; exits with status 1 if there is any problem.

    python3 scripts/check_demo_content.py [--today 2026-11-22]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import tomllib
import unicodedata
from collections import Counter
from pathlib import Path

import frontmatter

ROOT = Path(__file__).resolve().parent.parent
POSTS = ROOT / "posts"
STATIC = ROOT / "static"

TITLE_MAX, SUMMARY_MAX = 70, 160
WORDS_MIN, WORDS_MAX = 350, 800
CALLOUT_KINDS = {"retenir", "important", "consulter", "conseil"}
BLOCK_KINDS = CALLOUT_KINDS | {"video"}  # :::video blocks share the callouts' syntax
VIDEO_RE = re.compile(r"^:::video\s+https://(?:www\.youtube\.com/watch\?v=[A-Za-z0-9_-]{11}|vimeo\.com/\d+)$")
PERIOD = (dt.date(2025, 1, 1), dt.date(2026, 11, 15))
SCHEDULED_DATE = dt.date(2027, 1, 15)

LINK_RE = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+\.md)(#[^)]*)?\)")
IMAGE_RE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
HEADING_RE = re.compile(r"^(#{1,6})\s+\S")
FOOTREF_RE = re.compile(r"\[\^([^\]]+)\](?!:)")
FOOTDEF_RE = re.compile(r"^\[\^([^\]]+)\]:", re.M)
LOCAL_DT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$")


def slugify(text: str) -> str:
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text.lower())
    return text.strip("-")


def as_date(value) -> dt.date:
    """Front matter date: a date, a datetime, or a 'YYYY-MM-DD HH:MM' string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and LOCAL_DT_RE.match(value.strip()):
        return dt.datetime.fromisoformat(value.strip().replace(" ", "T")).date()
    raise ValueError(f"not a date: {value!r}")


def body_words(body: str) -> int:
    text = re.sub(r"^:::.*$", " ", body, flags=re.M)
    text = text.replace("[TOC]", " ")
    text = re.sub(r"\]\([^)]*\)", "]", text)  # drop link and image targets
    text = re.sub(r"^\[\^[^\]]+\]:", " ", text, flags=re.M)
    return len(re.findall(r"[0-9A-Za-zÀ-ÖØ-öø-ÿœŒ’'\-]+", text))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--today", default="2026-11-22", help="reference date for schedules and reviews")
    args = ap.parse_args()
    today = dt.date.fromisoformat(args.today)
    review_limit = today.replace(year=today.year - 2)

    problems: list[str] = []
    site = tomllib.loads((ROOT / "site.toml").read_text(encoding="utf-8"))
    categories = site["categories"]
    authors = site["authors"]

    for key in ("logo",):
        if not (STATIC / site["organization"][key]).is_file():
            problems.append(f"site.toml: organization.{key} missing in static/")
    for key, a in authors.items():
        if not (STATIC / a["portrait"]).is_file():
            problems.append(f"site.toml: portrait of {key} missing: {a['portrait']}")

    posts = {}
    for path in sorted(POSTS.glob("*/*.md")):
        rel = path.relative_to(POSTS).as_posix()
        try:
            post = frontmatter.load(path)
        except Exception as exc:  # YAML error
            problems.append(f"{rel}: front matter does not parse: {exc}")
            continue
        posts[path.resolve()] = (rel, post)

    drafts, scheduled = [], []
    features = Counter()
    slugs: dict[str, str] = {}
    tag_count = Counter()
    rows = []
    link_total = 0

    for path, (rel, post) in posts.items():
        fm, body = post.metadata, post.content
        cat = path.parent.name
        def say(msg: str, rel: str = rel) -> None:
            problems.append(f"{rel}: {msg}")

        if cat not in categories:
            say(f"folder {cat!r} is not a category of site.toml")
        if "category" in fm and fm["category"] != cat:
            say("category does not agree with the folder")
        for field in ("title", "date", "summary", "author", "tags"):
            if field not in fm:
                say(f"missing {field}")
        title, summary = fm.get("title", ""), fm.get("summary", "")
        if len(title) > TITLE_MAX:
            say(f"title is {len(title)} characters (> {TITLE_MAX})")
        if len(summary) > SUMMARY_MAX:
            say(f"summary is {len(summary)} characters (> {SUMMARY_MAX})")
        if fm.get("author") not in authors:
            say(f"unknown author {fm.get('author')!r}")
        tags = fm.get("tags", [])
        if not 2 <= len(tags) <= 4:
            say(f"{len(tags)} tags (want 2 to 4)")
        for t in tags:
            if t != t.lower() and fm.get("lang", "fr") == "fr":  # German writes its nouns with a capital
                say(f"tag {t!r} is not lower-case")
        tag_count.update(tags)

        try:
            date = as_date(fm["date"])
        except Exception as exc:
            say(str(exc))
            continue
        if fm.get("draft"):
            drafts.append(rel)
        if date > today:
            scheduled.append(rel)
            if date != SCHEDULED_DATE:
                say(f"scheduled for {date}, expected {SCHEDULED_DATE}")
        elif not PERIOD[0] <= date <= PERIOD[1]:
            say(f"date {date} outside {PERIOD[0]}..{PERIOD[1]}")
        if isinstance(fm["date"], str):
            features["local date-time"] += 1
        if "updated" in fm and as_date(fm["updated"]) < date:
            say("updated is before date")
        if "updated" in fm:
            features["updated"] += 1

        if "image" in fm:
            features["hero image"] += 1
            if not (STATIC / fm["image"].lstrip("/")).is_file():
                say(f"image missing: {fm['image']}")
            if not fm.get("image_alt"):
                say("image without image_alt")

        if cat in ("medicine", "prevention"):
            if not fm.get("reviewed_by"):
                say("missing reviewed_by")
            if "last_reviewed" not in fm:
                say("missing last_reviewed")
            else:
                lr = as_date(fm["last_reviewed"])
                if not review_limit <= lr <= today:
                    say(f"last_reviewed {lr} not within the 24 months before {today}")
        if cat == "testimonials":
            consent = fm.get("consent") or {}
            if "given" not in consent:
                say("missing consent.given")
            elif as_date(consent["given"]) > date:
                say("consent given after the publication date")
            if consent.get("scope") != ["web", "social"]:
                say(f"consent.scope is {consent.get('scope')!r}")
            if "expires" in consent:
                features["consent expires"] += 1
                if as_date(consent["expires"]) <= today:
                    say("consent has expired")

        # body: headings
        level = 1
        in_code = False
        for line in body.splitlines():
            if line.startswith("```"):
                in_code = not in_code
            if in_code:
                continue
            m = HEADING_RE.match(line)
            if m:
                n = len(m.group(1))
                if n == 1:
                    say(f"h1 in body: {line!r}")
                if n > level + 1:
                    say(f"heading level skipped: {line!r}")
                level = n
                features[f"h{n}"] += 1
        # callouts
        opened = None
        for line in body.splitlines():
            if line.startswith(":::"):
                rest = line[3:].strip()
                if rest:
                    kind = rest.split()[0]
                    if opened:
                        say(f"callout {kind!r} opened inside {opened!r}")
                    if kind not in BLOCK_KINDS:
                        say(f"unknown callout kind {kind!r}")
                    if kind == "video" and not VIDEO_RE.match(line):
                        say(f"video block without a YouTube or Vimeo address: {line!r}")
                    opened = kind
                    features[f":::{kind}"] += 1
                else:
                    if not opened:
                        say("callout closed but never opened")
                    opened = None
        if opened:
            say(f"callout {opened!r} never closed")
        # tables, footnotes, TOC
        if re.search(r"^\|\s*-{3,}", body, re.M):
            features["tables"] += len(re.findall(r"^\|\s*-{3,}", body, re.M))
        refs, defs = set(FOOTREF_RE.findall(body)), set(FOOTDEF_RE.findall(body))
        if refs != defs:
            say(f"footnotes: refs {sorted(refs)} vs definitions {sorted(defs)}")
        features["footnotes"] += len(defs)
        if re.search(r"^\[TOC\]$", body, re.M):
            features["[TOC]"] += 1
        # inline images
        for alt, src in IMAGE_RE.findall(body):
            features["inline images"] += 1
            if not alt.strip():
                say(f"inline image without alt: {src}")
            if src.startswith("/") and not (STATIC / src.lstrip("/")).is_file():
                say(f"inline image missing: {src}")
        # links to other posts
        for target, _frag in LINK_RE.findall(body):
            if re.match(r"^[a-z]+://", target):
                continue
            link_total += 1
            tpath = (path.parent / target).resolve()
            if tpath not in posts:
                say(f"link to a missing post: {target}")
                continue
            trel, tpost = posts[tpath]
            if tpost.metadata.get("draft"):
                say(f"link to the draft {trel}")
            tdate = as_date(tpost.metadata["date"])
            if tdate > today:
                say(f"link to the scheduled post {trel}")
            elif tdate > date:
                upd = as_date(fm["updated"]) if "updated" in fm else None
                if not upd or upd < tdate:
                    say(f"links to the later post {trel} ({tdate}) without an `updated` on or after it")

        slug = fm.get("slug") or slugify(title)
        if slug in slugs:
            say(f"slug {slug!r} collides with {slugs[slug]}")
        slugs[slug] = rel
        words = body_words(body)
        if not WORDS_MIN <= words <= WORDS_MAX:
            say(f"{words} words (want {WORDS_MIN} to {WORDS_MAX})")
        status = "draft" if fm.get("draft") else ("scheduled" if date > today else "")
        rows.append((cat, str(fm["date"]), len(title), len(summary), words, status, rel, slug))

    if len(drafts) != 1:
        problems.append(f"{len(drafts)} drafts (want exactly 1): {drafts}")
    if len(scheduled) != 1:
        problems.append(f"{len(scheduled)} scheduled posts (want exactly 1): {scheduled}")
    per_cat = Counter(r[0] for r in rows)
    for cat in categories:
        if per_cat[cat] < 5:
            problems.append(f"category {cat}: {per_cat[cat]} posts (want at least 5)")
    for kind in CALLOUT_KINDS:
        if not features[f":::{kind}"]:
            problems.append(f"no :::{kind} callout")
    if features["tables"] < 2:
        problems.append("fewer than two tables")
    if features["footnotes"] < 2:
        problems.append("fewer than two footnotes")
    if features["[TOC]"] < 1:
        problems.append("no [TOC]")
    if link_total < 6:
        problems.append(f"only {link_total} links between posts")

    rows.sort(key=lambda r: (r[1], r[6]))
    head = ("category", "date", "title", "summary", "words", "status", "file")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for cat, date, tl, sl, words, status, rel, _slug in rows:
        print(f"| {cat} | {date} | {tl} | {sl} | {words} | {status} | {rel} |")
    print()
    print(f"{len(rows)} posts: " + ", ".join(f"{c} {per_cat[c]}" for c in categories))
    print(f"links between posts: {link_total}")
    print("features: " + ", ".join(f"{k} {v}" for k, v in sorted(features.items())))
    print("tags: " + ", ".join(f"{t} {n}" for t, n in tag_count.most_common()))
    lonely = [t for t, n in tag_count.items() if n == 1]
    if lonely:
        print("tags used once: " + ", ".join(lonely))
    print()
    if problems:
        print(f"{len(problems)} problem(s):")
        for p in problems:
            print("  - " + p)
        return 1
    print("no problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
