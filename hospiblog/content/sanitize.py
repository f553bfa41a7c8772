"""Raw HTML in Markdown, cleaned by Ammonia (through nh3) to a documented allow-list.

Editors may write a little HTML (``<abbr>``, ``<details>``, a ``<figure>``). Nothing that
runs code or loads from elsewhere gets through: no ``<script>``, ``<iframe>``, ``<object>``,
``<form>``, ``<style>``, no ``on*=`` handler, no ``style`` attribute, and links only to
http, https, mailto, tel or relative URLs. ``allow_raw_html = true`` in site.toml turns
this off for sites that want it (every build then warns).
"""

from __future__ import annotations

import nh3

from ..urls import POST_LINK_PREFIX

ALLOWED_TAGS = frozenset({
    "a", "abbr", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
    "data", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    "var", "wbr",
})
GENERIC_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir", "role"})
TAG_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "hreflang", "rel"},
    "img": {"src", "alt", "width", "height", "loading", "decoding"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "scope", "align"},
    "col": {"span"},
    "ol": {"start", "reversed", "type"},
    "time": {"datetime"},
    "data": {"value"},
    "abbr": {"title"},
    "details": {"open"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel", POST_LINK_PREFIX.rstrip(":")})


def sanitize(html: str) -> str:
    """The HTML with everything outside the allow-list removed (content of script/style dropped)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={"*": set(GENERIC_ATTRIBUTES), **TAG_ATTRIBUTES},
        generic_attribute_prefixes={"aria-"},
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )
