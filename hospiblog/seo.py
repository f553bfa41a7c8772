"""What search engines and social networks read in a page's ``<head>``: Open Graph, X card, JSON-LD.

Pure functions returning data for ``partials/meta.html``; no Jinja here.

- :func:`meta_tags` gives ``(attribute, key, content)`` triples, ``attribute`` being ``property``
  (Open Graph, ``article:*``) or ``name`` (``twitter:*``).
- :func:`json_ld` gives a schema.org graph already serialised *and escaped* for an inline
  ``<script type="application/ld+json">``: ``<``, ``>``, ``&``, U+2028 and U+2029 are written as
  ``\\u003c``… so no text of an editor can close the script or open a comment.

``og:locale`` is the site's (or post's) language with a Swiss territory: ``fr`` → ``fr_CH``,
``de`` → ``de_CH``, ``it`` → ``it_CH``, and ``en`` → ``en_GB`` (the English of Swiss institutions).
Facebook's own locale list has no ``_CH`` entries; it then falls back to the language, which is what we want.
"""

from __future__ import annotations

import json
import mimetypes
import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from urllib.parse import urlsplit

from .config import MEDICAL_CATEGORIES, SiteConfig
from .events import is_web_address
from .model import Event, JobOffer, Post, Salary, Source
from .urls import absolute

MetaTag = tuple[str, str, str]
"""(attribute name, key, content): ``("property", "og:title", "…")``."""

OG_LOCALES = {"fr": "fr_CH", "de": "de_CH", "it": "it_CH", "en": "en_GB"}
HOME_LABELS = {"fr": "Accueil", "de": "Startseite", "en": "Home"}
"""Fallback name of the first breadcrumb; the theme's ``t('home')`` is better and can be passed."""
SALARY_UNIT_TEXTS = {"year": "YEAR", "month": "MONTH", "hour": "HOUR"}
"""schema.org's ``unitText`` of a salary, by :data:`hospiblog.model.SALARY_UNITS`."""
_POSTAL_LINE = re.compile(r"^(?P<street>.+?),\s*(?P<code>\d{4,5})\s+(?P<locality>[^,\d][^,]*)$")
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}



def media_type(url: str) -> str:
    """The media type of an image from its file name (JPEG when unknown)."""
    return mimetypes.guess_type(url)[0] or "image/jpeg"

@dataclass(frozen=True)
class ShareImage:
    """An image offered to networks and search engines, with an absolute URL."""

    url: str
    width: int = 0
    """Pixels; 0 when unknown (the tag is then left out)."""
    height: int = 0
    alt: str = ""
    media_type: str = "image/jpeg"


@dataclass(frozen=True)
class PageInfo:
    """The page being described."""

    kind: str
    """``post`` for an article, ``home`` for the home page, any other page kind otherwise."""
    title: str
    description: str
    canonical_url: str
    """Absolute URL."""
    images: tuple[ShareImage, ...] = ()
    """The first is ``og:image`` / ``twitter:image``; all go to JSON-LD (several aspect ratios help Google)."""
    other_languages: tuple[str, ...] = ()
    """The languages of the page's translations: ``og:locale:alternate``."""


@dataclass(frozen=True)
class JobInfo:
    """An open job offer on an article page: the offer, and its description as HTML (summary and body)."""

    offer: JobOffer
    description_html: str


@dataclass(frozen=True)
class VideoInfo:
    """A video of an article, described as a VideoObject: given only when the editor gave its upload date."""

    anchor: str
    """The ``id`` of its place in the article: the node's ``@id`` is the page's URL with this fragment."""
    name: str
    thumbnail_url: str
    """Absolute URL of its poster on the site."""
    upload_date: str
    """ISO date."""
    embed_url: str


@dataclass(frozen=True)
class ArticleInfo:
    """What an article page adds: the post and the absolute URLs of its author and category pages."""

    post: Post
    category_url: str
    author_url: str = ""
    job: JobInfo | None = None
    """The post's job offer while it is open: the page then carries a JobPosting."""
    videos: tuple[VideoInfo, ...] = ()


@dataclass(frozen=True)
class SeoView:
    """What ``partials/meta.html`` shows, as the template value ``seo``."""

    meta_tags: tuple[MetaTag, ...]
    json_ld: str
    """Already escaped by :func:`script_safe_json`; the partial marks it safe."""


def seo_view(config: SiteConfig, page: PageInfo, *, article: ArticleInfo | None = None,
             logo: ShareImage | None = None, home_label: str | None = None) -> SeoView:
    """The meta tags and JSON-LD of a page, for ``partials/meta.html``."""
    return SeoView(tuple(meta_tags(config, page, article=article)),
                   json_ld(config, page, article=article, logo=logo, home_label=home_label))


def og_locale(language: str) -> str:
    """Open Graph locale of a language code: ``fr`` → ``fr_CH``."""
    base = language.split("-")[0].split("_")[0].lower()
    return OG_LOCALES.get(base, base)


def bcp47(language: str) -> str:
    """Language tag for ``inLanguage``: ``fr`` → ``fr-CH``."""
    return og_locale(language).replace("_", "-")


def x_handle(config: SiteConfig) -> str:
    """``@handle`` for ``twitter:site``: ``sharing.x_handle``, else the first path segment of ``social.x``."""
    given = config.sharing.x_handle.strip()
    if given:
        return given if given.startswith("@") else "@" + given
    path = urlsplit(config.social.x).path.strip("/")
    handle = path.split("/")[0] if path else ""
    return "@" + handle if handle else ""


def _language(config: SiteConfig, article: ArticleInfo | None) -> str:
    return (article.post.meta.lang if article and article.post.meta.lang else None) or config.language


def _modified(post: Post) -> datetime:
    return post.meta.updated or post.meta.date


def meta_tags(config: SiteConfig, page: PageInfo, *, article: ArticleInfo | None = None) -> list[MetaTag]:
    """Open Graph, ``article:*`` and X card tags of a page, in a stable order."""
    tags: list[MetaTag] = [
        ("property", "og:type", "article" if article else "website"),
        ("property", "og:title", page.title),
        ("property", "og:description", page.description),
        ("property", "og:url", page.canonical_url),
        ("property", "og:site_name", config.title),
        ("property", "og:locale", og_locale(_language(config, article))),
        *(("property", "og:locale:alternate", og_locale(language)) for language in page.other_languages),
    ]
    tags += _image_tags(page.images[0]) if page.images else []
    tags += _article_tags(config, article) if article else []
    tags += _x_tags(config, page)
    return tags


def _image_tags(image: ShareImage) -> list[MetaTag]:
    tags: list[MetaTag] = [("property", "og:image", image.url), ("property", "og:image:type", image.media_type)]
    if image.width and image.height:
        tags += [("property", "og:image:width", str(image.width)),
                 ("property", "og:image:height", str(image.height))]
    if image.alt:
        tags.append(("property", "og:image:alt", image.alt))
    return tags


def _article_tags(config: SiteConfig, article: ArticleInfo) -> list[MetaTag]:
    meta = article.post.meta
    tags: list[MetaTag] = [
        ("property", "article:published_time", meta.date.isoformat()),
        ("property", "article:modified_time", _modified(article.post).isoformat()),
        ("property", "article:section", config.categories[meta.category].label),
    ]
    if article.author_url:
        tags.append(("property", "article:author", article.author_url))
    tags += [("property", "article:tag", tag) for tag in meta.tags]
    return tags


def _x_tags(config: SiteConfig, page: PageInfo) -> list[MetaTag]:
    # X reads og:* too, but twitter:card is required and the rest keeps old clients right.
    tags: list[MetaTag] = [
        ("name", "twitter:card", "summary_large_image" if page.images else "summary"),
        ("name", "twitter:title", page.title),
        ("name", "twitter:description", page.description),
    ]
    if page.images:
        tags.append(("name", "twitter:image", page.images[0].url))
        if page.images[0].alt:
            tags.append(("name", "twitter:image:alt", page.images[0].alt))
    handle = x_handle(config)
    if handle:
        tags.append(("name", "twitter:site", handle))
    return tags


def json_ld(config: SiteConfig, page: PageInfo, *, article: ArticleInfo | None = None,
            logo: ShareImage | None = None, home_label: str | None = None) -> str:
    """The page's schema.org graph, serialised and safe to put inside ``<script type="application/ld+json">``.

    Articles get a BlogPosting and a BreadcrumbList (home → category → article), an Event when they announce
    one and a JobPosting while their job offer is open; the home page gets the Organization and the WebSite; other
    pages get a WebPage. A medicine or prevention article's page is a MedicalWebPage with its review
    (``reviewedBy``, ``lastReviewed``: schema.org defines both on WebPage, for the page's content), and an article
    with sources cites them (``citation``, a CreativeWork property). ``logo`` gives the organisation's logo with
    its size (by default ``organization.logo`` without size).
    """
    base = absolute(config.base_url, config.paths.home)  # each language's home is its own WebSite
    logo = logo or _default_logo(config)
    graph: list[dict[str, Any]]
    if article is not None:
        label = home_label or HOME_LABELS.get(config.language, "Home")
        graph = [_blog_posting(config, page, article, logo), _breadcrumbs(config, page, article, base, label),
                 *(_video_object(page, video) for video in article.videos)]
        if article.post.meta.event is not None:
            graph.append(_event(config, page, article))
        if article.job is not None:
            graph.append(job_posting(config, page, article.post, article.job, logo))
    elif page.kind == "home":
        graph = [_organization(config, logo, full=True), _website(config, base)]
    else:
        graph = [_web_page(config, page, base)]
    return script_safe_json({"@context": "https://schema.org", "@graph": graph})


def script_safe_json(value: object) -> str:
    """JSON that cannot end its ``<script>`` element, start an HTML comment or break a JS string."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    for character, escape in _SCRIPT_ESCAPES.items():
        text = text.replace(character, escape)
    return text


def _default_logo(config: SiteConfig) -> ShareImage | None:
    logo = config.organization.logo
    if not logo:
        return None
    return ShareImage(config.base_url.rstrip("/") + "/" + logo.lstrip("/"), media_type="")


def _image_object(image: ShareImage) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "ImageObject", "url": image.url}
    if image.width and image.height:
        node["width"] = image.width
        node["height"] = image.height
    return node


def _organization_id(config: SiteConfig) -> str:
    return config.base_url.rstrip("/") + "/#organization"


def _organization(config: SiteConfig, logo: ShareImage | None, *, full: bool) -> dict[str, Any]:
    organization = config.organization
    node: dict[str, Any] = {"@type": "Organization", "@id": _organization_id(config), "name": organization.name}
    if organization.url:
        node["url"] = organization.url
    if logo is not None:
        node["logo"] = _image_object(logo)
    if full:
        same_as = [getattr(config.social, name) for name in ("facebook", "instagram", "linkedin", "x", "youtube")]
        if any(same_as):
            node["sameAs"] = [url for url in same_as if url]
        if organization.phone:
            node["telephone"] = organization.phone
        if organization.address:
            node["address"] = organization.address
    return node


def _website(config: SiteConfig, base: str) -> dict[str, Any]:
    return {"@type": "WebSite", "@id": base + "#website", "url": base, "name": config.title,
            "description": config.description, "inLanguage": bcp47(config.language),
            "publisher": {"@id": _organization_id(config)}}


def _web_page(config: SiteConfig, page: PageInfo, base: str) -> dict[str, Any]:
    return {"@type": "WebPage", "@id": page.canonical_url, "url": page.canonical_url, "name": page.title,
            "description": page.description, "inLanguage": bcp47(config.language),
            "isPartOf": {"@type": "WebSite", "@id": base + "#website", "url": base, "name": config.title}}


def _blog_posting(config: SiteConfig, page: PageInfo, article: ArticleInfo,
                  logo: ShareImage | None) -> dict[str, Any]:
    post, meta = article.post, article.post.meta
    node: dict[str, Any] = {
        "@type": "BlogPosting",
        "@id": page.canonical_url + "#article",
        "headline": meta.title,
        "description": page.description,
        "datePublished": meta.date.isoformat(),
        "dateModified": _modified(post).isoformat(),
        "mainEntityOfPage": {"@type": "WebPage", "@id": page.canonical_url},
        "url": page.canonical_url,
        "inLanguage": bcp47(_language(config, article)),
        "articleSection": config.categories[meta.category].label,
        "publisher": _organization(config, logo, full=False),
    }
    if page.images:
        node["image"] = [_image_object(image) for image in page.images]
    if meta.tags:
        node["keywords"] = ", ".join(meta.tags)
    if meta.event is not None:
        node["about"] = {"@id": page.canonical_url + "#event"}
    author = _person(config, article)
    if author:
        node["author"] = author
    if meta.category in MEDICAL_CATEGORIES:
        node["mainEntityOfPage"] = _medical_web_page(config, page, article)
    if article.videos:
        node["video"] = [{"@id": _video_id(page, video)} for video in article.videos]
    if meta.reviewed_by:
        # Medical review belongs to the page in schema.org (WebPage.reviewedBy), not to the article.
        node["mainEntityOfPage"]["reviewedBy"] = _reviewer(meta.reviewed_by)
        if meta.last_reviewed:
            node["mainEntityOfPage"]["lastReviewed"] = meta.last_reviewed.isoformat()
    if meta.sources:
        node["citation"] = [_citation(source) for source in meta.sources]
    return node


def _medical_web_page(config: SiteConfig, page: PageInfo, article: ArticleInfo) -> dict[str, Any]:
    """The page of a medicine or prevention article: a WebPage that provides medical information."""
    return {"@type": "MedicalWebPage", "@id": page.canonical_url, "url": page.canonical_url,
            "name": article.post.meta.title, "inLanguage": bcp47(_language(config, article))}


def _reviewer(reviewed_by: str) -> dict[str, Any]:
    """``"Dr Jean Dupont, médecin-chef"`` → a Person named Dr Jean Dupont whose job title is médecin-chef."""
    name, _, role = (part.strip() for part in reviewed_by.partition(","))
    node: dict[str, Any] = {"@type": "Person", "name": name or reviewed_by}
    if role:
        node["jobTitle"] = role
    return node


def _citation(source: Source) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "CreativeWork", "name": source.title}
    if source.publisher:
        node["publisher"] = {"@type": "Organization", "name": source.publisher}
    if source.year:
        node["datePublished"] = source.year  # ISO 8601 allows a year alone; schema.org's own citation example does
    if source.url:
        node["url"] = source.url
    return node


def _video_id(page: PageInfo, video: VideoInfo) -> str:
    return f"{page.canonical_url}#{video.anchor}"


def _video_object(page: PageInfo, video: VideoInfo) -> dict[str, Any]:
    """Google's required name, thumbnailUrl and uploadDate, and the player as embedUrl."""
    return {"@type": "VideoObject", "@id": _video_id(page, video), "name": video.name,
            "thumbnailUrl": [video.thumbnail_url], "uploadDate": video.upload_date, "embedUrl": video.embed_url}


EVENT_STATUS = {"scheduled": "EventScheduled", "cancelled": "EventCancelled", "postponed": "EventPostponed",
                "online": "EventMovedOnline"}
DEFAULT_CURRENCY = "CHF"
"""The currency of an event's price that names none (hospiblog is made for Swiss hospitals)."""
_CURRENCIES = (("€", "EUR"), ("EUR", "EUR"), ("USD", "USD"), ("$", "USD"))
_AMOUNT = re.compile(r"\d+(?:[.,]\d{1,2})?")


def _event(config: SiteConfig, page: PageInfo, article: ArticleInfo) -> dict[str, Any]:
    """The schema.org Event a post announces, linked to the article (``about``) and organised by the hospital."""
    meta, event = article.post.meta, article.post.meta.event
    assert event is not None
    node: dict[str, Any] = {
        "@type": "Event",
        "@id": page.canonical_url + "#event",
        "name": meta.title,
        "description": page.description,
        "url": page.canonical_url,
        "inLanguage": bcp47(_language(config, article)),
        "startDate": _event_moment(event.start, event.all_day, config),
        "eventStatus": "https://schema.org/" + EVENT_STATUS[event.status],
        "eventAttendanceMode": "https://schema.org/" + _attendance(event),
        "organizer": _organizer(config),
    }
    end = event.end if event.end is not None and event.end >= event.start else None
    if end is not None or event.all_day:
        node["endDate"] = _event_moment(end or event.start, event.all_day, config)
    places = _event_places(config, event)
    if places:
        node["location"] = places[0] if len(places) == 1 else places
    if page.images:
        node["image"] = [image.url for image in page.images]
    if event.price or event.registration:
        node["offers"] = _offer(event, page.canonical_url)
    if not event.price:
        node["isAccessibleForFree"] = True
    return node


def _event_moment(moment: datetime, all_day: bool, config: SiteConfig) -> str:
    local = moment.astimezone(config.zone)
    return local.date().isoformat() if all_day else local.isoformat()


def _attendance(event: Event) -> str:
    if event.status == "online" or (event.online and event.location is None):
        return "OnlineEventAttendanceMode"
    return "MixedEventAttendanceMode" if event.online and event.location else "OfflineEventAttendanceMode"


def _event_places(config: SiteConfig, event: Event) -> list[dict[str, Any]]:
    """A Place with its PostalAddress (``street, NPA locality`` is split), a VirtualLocation, or both."""
    places: list[dict[str, Any]] = []
    if event.location is not None and event.status != "online":
        place: dict[str, Any] = {"@type": "Place", "name": event.location.name}
        if event.location.address:
            place["address"] = postal_address(event.location.address, country_of(config))
        places.append(place)
    if event.online:
        places.append({"@type": "VirtualLocation", "url": event.online})
    return places



def _organizer(config: SiteConfig) -> dict[str, Any]:
    organization = config.organization
    node: dict[str, Any] = {"@type": "Organization", "@id": _organization_id(config), "name": organization.name}
    if organization.url:
        node["url"] = organization.url
    return node


def _offer(event: Event, page_url: str) -> dict[str, Any]:
    """What attending costs and where to register: the first amount of ``price`` (0 when free), in the currency
    it names (CHF when it names none), the price as written, and the registration's web address."""
    offer: dict[str, Any] = {"@type": "Offer", "url": event.registration if is_web_address(event.registration)
                             else page_url}
    amount = _AMOUNT.search(event.price) if event.price else None
    if amount is not None or not event.price:
        offer["price"] = amount.group().replace(",", ".") if amount is not None else "0"
        offer["priceCurrency"] = next((code for sign, code in _CURRENCIES if sign in event.price), DEFAULT_CURRENCY)
    if event.price:
        offer["description"] = event.price
    return offer


def _person(config: SiteConfig, article: ArticleInfo) -> dict[str, Any] | None:
    author = config.authors.get(article.post.meta.author or "")
    if author is None:
        return None
    node: dict[str, Any] = {"@type": "Person", "name": author.name}
    if author.role:
        node["jobTitle"] = author.role
    if article.author_url:
        node["url"] = article.author_url
    node["worksFor"] = {"@id": _organization_id(config)}
    return node


def _breadcrumbs(config: SiteConfig, page: PageInfo, article: ArticleInfo, base: str,
                 home_label: str) -> dict[str, Any]:
    category = config.categories[article.post.meta.category]
    steps = [(home_label, base), (category.label, article.category_url), (article.post.meta.title, page.canonical_url)]
    return {"@type": "BreadcrumbList", "itemListElement": [
        {"@type": "ListItem", "position": number, "name": name, "item": url}
        for number, (name, url) in enumerate(steps, start=1)
    ]}


def job_posting(config: SiteConfig, page: PageInfo, post: Post, job: JobInfo,
                logo: ShareImage | None) -> dict[str, Any]:
    """The JobPosting of an open offer (Google's required and recommended properties where the offer gives them).

    ``validThrough`` is the last second of the closing day in the site's time zone; ``directApply`` is said when
    candidates apply through a web address (a form), not by e-mail.
    """
    offer = job.offer
    node: dict[str, Any] = {
        "@type": "JobPosting",
        "@id": page.canonical_url + "#job",
        "title": offer.title,
        "description": job.description_html,
        "datePosted": post.meta.date.isoformat(),
        "url": page.canonical_url,
        "hiringOrganization": _organization(config, logo, full=False),
    }
    if offer.closes is not None:
        node["validThrough"] = datetime.combine(offer.closes, time(23, 59, 59), tzinfo=config.zone).isoformat()
    if offer.employment:
        node["employmentType"] = offer.employment[0] if len(offer.employment) == 1 else list(offer.employment)
    location = offer.location or config.organization.address
    if location:
        node["jobLocation"] = {"@type": "Place", "address": postal_address(location, country_of(config))}
    if offer.salary is not None:
        node["baseSalary"] = monetary_amount(offer.salary)
    if offer.apply_is_url:
        node["directApply"] = True
    if offer.start is not None:
        node["jobStartDate"] = offer.start.isoformat()
    return node


def postal_address(line: str, country: str = "") -> dict[str, Any]:
    """A one-line address as a PostalAddress: "Route de l'Hôpital 12, 1700 Val-Clair" gives its street, postal
    code and locality; another form is kept whole as the street. ``country`` (an ISO 3166 code) is its
    ``addressCountry``, which Google requires of a job's location."""
    match = _POSTAL_LINE.match(line.strip())
    node: dict[str, Any] = {"@type": "PostalAddress", "streetAddress": line.strip()}
    if match is not None:
        node.update(streetAddress=match["street"].strip(), postalCode=match["code"],
                    addressLocality=match["locality"].strip())
    if country:
        node["addressCountry"] = country
    return node


def country_of(config: SiteConfig) -> str:
    """The country of the site's time zone (``Europe/Zurich`` → ``CH``, from CLDR through Babel), or "": site.toml's
    address is one line of text that names no country."""
    from babel.core import get_global

    territory = get_global("zone_territories").get(config.timezone, "")
    return str(territory) if len(territory) == 2 and territory != "ZZ" else ""


def monetary_amount(salary: Salary) -> dict[str, Any]:
    """A salary as schema.org's MonetaryAmount: a QuantitativeValue with minValue and/or maxValue (or value when
    both are one figure), and its unit."""
    value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": SALARY_UNIT_TEXTS[salary.unit]}
    if salary.minimum is not None and salary.minimum == salary.maximum:
        value["value"] = _number(salary.minimum)
    else:
        if salary.minimum is not None:
            value["minValue"] = _number(salary.minimum)
        if salary.maximum is not None:
            value["maxValue"] = _number(salary.maximum)
    return {"@type": "MonetaryAmount", "currency": salary.currency, "value": value}


def _number(value: float) -> int | float:
    return int(value) if value == int(value) else value
