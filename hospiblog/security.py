"""The site's security headers: a Content-Security-Policy that allows only the site itself.

Pages carry it as ``<meta http-equiv>`` (works on any host); ``_headers`` gives the same
headers, plus those a meta tag cannot set, to hosts that read that file (Netlify, Cloudflare
Pages) and documents them for others.

A page that needs more than the site-wide policy declares it (:data:`PolicyAdditions`: sources to add per
directive, e.g. the search page's ``script-src 'wasm-unsafe-eval'``); :func:`content_security_policy` turns that
into its policy, and ``_headers`` gets a rule for that page's URL. A page showing a video adds ``frame-src`` with
exactly its players' origins (``https://www.youtube-nocookie.com``, ``https://player.vimeo.com``:
:func:`hospiblog.videos.frame_policy`); every other page keeps the site-wide policy, whose ``frame-src`` falls back
to ``default-src 'self'``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

PolicyAdditions = tuple[tuple[str, str], ...]
"""What one page needs beyond the site-wide policy: ``(directive, source)`` pairs, e.g.
``(("script-src", "'wasm-unsafe-eval'"),)``."""

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)
"""What pages may load: nothing from another host, no inline script or style attribute."""
WASM = "'wasm-unsafe-eval'"
"""What running WebAssembly needs in ``script-src`` (the search page's Pagefind), and nothing more: no eval()."""
REFERRER_POLICY = "strict-origin-when-cross-origin"
"""Other sites learn only the blog's origin, never the page a reader came from."""


def content_security_policy(additions: Iterable[tuple[str, str]] = ()) -> str:
    """The policy of a page: the site-wide one with ``additions`` (directive, source) added."""
    directives = {name: sources for name, *sources in (part.split() for part in CONTENT_SECURITY_POLICY.split("; "))}
    for name, source in additions:
        sources = directives.setdefault(name, list(directives["default-src"]))
        if source not in sources:
            sources.append(source)
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def render_headers_file(pages: Mapping[str, PolicyAdditions] | None = None) -> bytes:
    """``_headers`` in the format of Netlify and Cloudflare Pages; ``pages``: the URLs whose page needs more than the
    site-wide policy, with what it needs.

    Such a page gets a rule of its own after the site-wide one. Cloudflare Pages gives a URL the headers of every
    rule it matches (two policies, both enforced): ``! Content-Security-Policy`` detaches the site-wide one first.
    Netlify lets the later rule's value win, and skips that line (it has no colon).
    """
    lines = [
        "/*",
        f"  Content-Security-Policy: {CONTENT_SECURITY_POLICY}; frame-ancestors 'none'",
        f"  Referrer-Policy: {REFERRER_POLICY}",
        "  X-Content-Type-Options: nosniff",
        "  Permissions-Policy: camera=(), microphone=(), geolocation=(), interest-cohort=()",
    ]
    for url, additions in sorted((pages or {}).items()):
        lines += [
            url,
            "  ! Content-Security-Policy",
            f"  Content-Security-Policy: {content_security_policy(additions)}; frame-ancestors 'none'",
        ]
    return "\n".join([*lines, ""]).encode()
