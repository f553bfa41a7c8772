"""The site's security headers: a Content-Security-Policy that allows only the site itself.

Pages carry it as ``<meta http-equiv>`` (works on any host); ``_headers`` gives the same
headers, plus those a meta tag cannot set, to hosts that read that file (Netlify, Cloudflare
Pages) and documents them for others.
"""

from __future__ import annotations

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)
"""What pages may load: nothing from another host, no inline script or style attribute."""
REFERRER_POLICY = "strict-origin-when-cross-origin"
"""Other sites learn only the blog's origin, never the page a reader came from."""


def render_headers_file() -> bytes:
    """``_headers`` in the format of Netlify and Cloudflare Pages."""
    lines = [
        "/*",
        f"  Content-Security-Policy: {CONTENT_SECURITY_POLICY}; frame-ancestors 'none'",
        f"  Referrer-Policy: {REFERRER_POLICY}",
        "  X-Content-Type-Options: nosniff",
        "  Permissions-Policy: camera=(), microphone=(), geolocation=(), interest-cohort=()",
        "",
    ]
    return "\n".join(lines).encode()
