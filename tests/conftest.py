"""Shared fixtures: small sites written to temporary folders and built through the real pipeline."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)

SITE_TOML = """\
title = "Blog de test"
description = "Un blog pour les tests"
base_url = "https://blog.test.example"
posts_per_page = 2

[organization]
name = "Hôpital de Test"
logo = "images/logo.png"

[social]
x = "https://x.com/hopitaltest"

[categories.medicine]
slug = "medecine"
label = "Médecine et soins"
description = "Les soins expliqués."
color = "#0b5cad"

[categories.prevention]
slug = "prevention"
label = "Prévention"
color = "#1d6b3a"

[categories.news]
slug = "actualites"
label = "Actualités"
color = "#8a3b00"

[categories.testimonials]
slug = "temoignages"
label = "Témoignages"
color = "#6b2d7b"

[authors.cmartin]
name = "Dre Claire Martin"
role = "Médecin adjointe"
service = "Angiologie"
bio = "Spécialiste des veines."
"""

GERMAN_TOML = """
[languages.de]
title = "Testblog"
description = "Ein Blog für Tests"

[languages.de.tags]
sommeil = "Schlaf"

[categories.medicine.de]
slug = "medizin"
label = "Medizin"
description = "Die Pflege erklärt."

[categories.prevention.de]
slug = "praevention"
label = "Prävention"

[categories.news.de]
slug = "aktuelles"
label = "Aktuelles"

[categories.testimonials.de]
slug = "erfahrungen"
label = "Erfahrungen"

[authors.cmartin.de]
role = "Leitende Ärztin"
"""
"""German for SITE_TOML: a site in French and German (tests of languages, serve's rebuilds)."""


def post(title: str, date: str = "2026-10-01", body: str = "Un texte.", **fields: str) -> str:
    """A post file's text with the given front matter."""
    lines = [f'title: "{title}"', f"date: {date}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n" + textwrap.dedent(body).strip() + "\n"


def write_image(path: Path, size: tuple[int, int] = (120, 80)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, (40, 90, 160)).save(path)


SiteMaker = Callable[..., Path]


@pytest.fixture
def make_site(tmp_path: Path) -> SiteMaker:
    """Writes a small site: ``make_site(files={"posts/news/a.md": "..."}, config=...)``."""

    def make(files: dict[str, str | bytes] | None = None, config: str = SITE_TOML) -> Path:
        site = tmp_path / "site"
        site.mkdir(exist_ok=True)
        (site / "site.toml").write_text(config, "utf-8")
        (site / "posts").mkdir(exist_ok=True)
        write_image(site / "static" / "images" / "logo.png", (64, 64))
        for relative, content in (files or {}).items():
            path = site / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, "utf-8")
        return site

    return make


@pytest.fixture
def now() -> datetime:
    return NOW
