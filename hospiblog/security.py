"""The site's security headers: a Content-Security-Policy that allows only the site itself.

Pages carry it as ``<meta http-equiv>`` (works on any host); ``_headers`` gives the same
headers, plus those a meta tag cannot set, to hosts that read that file (Netlify, Cloudflare
Pages) and documents them for others.

A page showing a video adds ``frame-src`` with exactly the origin of that video's player
(``https://www.youtube-nocookie.com``, ``https://player.vimeo.com``): its meta policy is made per
page (:func:`content_security_policy`). ``_headers`` has one rule for every path, so its policy
allows the players of every video of the site; a browser enforces every policy it is given, the
header's and the meta tag's alike, so each page still gets no more than its meta policy allows.
(Per-path rules would not do better: hosts merge the rules matching one path differently. Cloudflare
Pages joins their values into one header, which a browser reads as several policies that a frame must
all pass, so the site-wide rule would still block the player; dropping it takes Cloudflare's own
``! Content-Security-Policy`` line, which other hosts refuse.)
"""

from __future__ import annotations

from collections.abc import Iterable

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)
"""What pages may load: nothing from another host, no inline script or style attribute."""
REFERRER_POLICY = "strict-origin-when-cross-origin"
"""Other sites learn only the blog's origin, never the page a reader came from."""


def content_security_policy(frame_origins: Iterable[str] = ()) -> str:
    """The policy of a page: :data:`CONTENT_SECURITY_POLICY`, plus ``frame-src`` naming exactly the given
    origins (the players of the videos it shows) when there are any."""
    origins = sorted(set(frame_origins))
    return CONTENT_SECURITY_POLICY + (f"; frame-src {' '.join(origins)}" if origins else "")


def render_headers_file(frame_origins: Iterable[str] = ()) -> bytes:
    """``_headers`` in the format of Netlify and Cloudflare Pages; ``frame_origins`` are the players of every
    video of the site (each page's meta policy narrows them to its own)."""
    lines = [
        "/*",
        f"  Content-Security-Policy: {content_security_policy(frame_origins)}; frame-ancestors 'none'",
        f"  Referrer-Policy: {REFERRER_POLICY}",
        "  X-Content-Type-Options: nosniff",
        "  Permissions-Policy: camera=(), microphone=(), geolocation=(), interest-cohort=()",
        "",
    ]
    return "\n".join(lines).encode()
