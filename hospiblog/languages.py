"""A site in several languages: each page's versions in the other languages.

Every page planned says what it is (``Planner.pages``: ``("category", "medicine")``, ``("post", <translation
key>)``). Once every language is planned, each page gets its alternates (``hreflang``, and ``x-default`` for the
default language's version) and its language switcher: the translation where there is one, else the page that
stands for it (``Planner.parents``: a post's category, a tag's index, else the home page), saying which.
Versions are found by what they are, not by pairs, so every alternate points back.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from .config import SiteConfig
from .plan import Planner, RenderJob
from .theme import Theme
from .urls import absolute
from .views import Alternate, LanguageLink, PageView

X_DEFAULT = "x-default"


def link_languages(planner: Planner, config: SiteConfig, theme: Theme) -> None:
    """Gives every page its alternates and switcher, and makes them part of its digest."""
    languages = config.site_languages
    names = {language: theme.in_language(language).translate("language_name") for language in languages}
    homes = {language: theme.in_language(language).translate("home") for language in languages}
    for output, identity in planner.identity.items():
        versions = planner.pages[identity]
        job = planner.by_output[output]
        page: PageView = job.context["page"]
        mine = next(language for language, other in versions.items() if other == output)
        alternates = _alternates(planner, config, versions) if job.url is not None and len(versions) > 1 else ()
        links = tuple(_link(planner, output, mine, language, names[language], homes[language])
                      for language in languages)
        _update(planner, output, replace(page, alternates=alternates, languages=links))


def _alternates(planner: Planner, config: SiteConfig, versions: dict[str, str]) -> tuple[Alternate, ...]:
    found = [(language, _page(planner.by_output[versions[language]]).url)
             for language in config.site_languages if language in versions]
    if config.main_language in versions:
        found.append((X_DEFAULT, _page(planner.by_output[versions[config.main_language]]).url))
    return tuple(Alternate(hreflang, url, absolute(config.base_url, url)) for hreflang, url in found)


def _link(planner: Planner, output: str, mine: str, language: str, name: str, home: str) -> LanguageLink:
    if language == mine:
        return LanguageLink(language, name, _page(planner.by_output[output]).url, current=True)
    translation = planner.pages[planner.identity[output]].get(language)
    if translation is not None:
        return LanguageLink(language, name, _page(planner.by_output[translation]).url, current=False)
    parent = planner.pages.get(planner.parents[output], {}).get(language) or planner.pages[("home",)][language]
    target = _page(planner.by_output[parent])
    return LanguageLink(language, name, target.url, current=False, note=home if target.kind == "home" else target.title)


def _page(job: RenderJob) -> PageView:
    page = job.context["page"]
    assert isinstance(page, PageView)
    return page


def _update(planner: Planner, output: str, page: PageView) -> None:
    """The job with its page's languages, which join its digest (and serve's refresh of it)."""
    job = planner.by_output[output]
    parts, relatives, listed = planner.recipes[output]
    parts = (*parts, repr(page.alternates), repr(page.languages))
    planner.recipes[output] = (parts, relatives, listed)
    seo = job.lazy["seo"]
    assert isinstance(seo, partial)
    planner.by_output[output] = replace(
        job, digest=planner.recipe_digest(output), context={**job.context, "page": page},
        lazy={**job.lazy, "seo": partial(seo.func, page, *seo.args[1:])},
    )


