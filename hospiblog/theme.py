"""The theme: its chain of folders, the Jinja environment, UI strings and hashed assets.

Template lookup is an ordered list: the site's ``templates/``, the theme, its
parents, then the built-in default. Each theme is also reachable by prefix
(``default/base.html``) so a template can extend the one it overrides.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from . import __version__
from .config import SiteConfig
from .errors import BuildFailed, ConfigError, HospiblogError, SourceLocation
from .security import CONTENT_SECURITY_POLICY, REFERRER_POLICY
from .typography import french_typography

if TYPE_CHECKING:  # Jinja is loaded when pages are rendered, not by a build that finds nothing to do
    import jinja2

HASHED_SUFFIXES = (".css", ".js")


def builtin_theme_dir() -> Path:
    """The default theme: inside the installed package, or at the top of a source checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "themes" / "default", package.parent / "themes" / "default"):
        if (candidate / "theme.toml").is_file():
            return candidate
    raise ConfigError("the default theme is missing from this installation",
                      hint="reinstall hospiblog: pip install --force-reinstall hospiblog")


@dataclass(frozen=True)
class ThemeLayer:
    """One theme folder of the chain."""

    name: str
    path: Path


@dataclass(frozen=True)
class Asset:
    """A static file published by the build."""

    source: Path
    output: str
    """Path inside the output folder (content-hashed for CSS and JS)."""
    digest: str


@dataclass
class Theme:
    """The resolved theme: layers from most to least specific, strings and assets."""

    layers: list[ThemeLayer]
    site_templates: Path
    strings: dict[str, str]
    assets: dict[str, Asset] = field(default_factory=dict)
    """By logical path (``style.css``)."""
    digest: str = ""
    """Hash of every template, string and asset: a change re-renders every page."""
    catalogues: dict[str, dict[str, str]] = field(default_factory=dict)
    """The interface strings of each language of the site; ``strings`` is one of them."""
    language: str = ""
    """The language of ``strings``."""

    def asset_url(self, logical: str) -> str:
        """URL of a static file, with its content hash where it has one."""
        asset = self.assets.get(logical.lstrip("/"))
        if asset is None:
            import jinja2

            raise jinja2.TemplateRuntimeError(f"no static file named {logical!r} in the theme or static/")
        return "/" + asset.output

    def static_file(self, url_path: str) -> Path | None:
        """The file published at ``url_path`` (a local image, say), if any."""
        asset = self.assets.get(url_path.lstrip("/"))
        return asset.source if asset else None

    def translate(self, key: str, **values: object) -> str:
        """A UI string from the catalogue, with ``{name}`` placeholders filled."""
        text = self.strings.get(key)
        if text is None:
            import jinja2

            raise jinja2.TemplateRuntimeError(f"no string '{key}' in the interface catalogue i18n/{self.language}.toml"
                                              f" of the theme: add `{key} = \"…\"` to it")
        return text.format(**values) if values else text

    def in_language(self, language: str) -> Theme:
        """The same theme speaking ``language``, one of the site's (templates, assets and digest are shared)."""
        if language == self.language:
            return self
        return replace(self, strings=self.catalogues[language], language=language)


def load_theme(config: SiteConfig) -> Theme:
    """Resolves the theme chain, reads its strings in every language of the site and indexes its static files.

    Every string any catalogue of the chain defines must be in each of the site's languages: a missing one is an
    error naming the catalogue and the key (a page would otherwise show the key, or another language)."""
    layers = _layers(config)
    catalogues = {language: _catalogue(layers, language) for language in config.site_languages}
    _check_catalogues(layers, catalogues)
    language = config.main_language
    theme = Theme(layers=layers, site_templates=config.site_dir / "templates", strings=catalogues[language],
                  catalogues=catalogues, language=language)
    theme.assets = _assets([layer.path / "static" for layer in reversed(layers)] + [config.static_dir])
    theme.digest = _digest(theme)
    return theme


def _catalogue(layers: list[ThemeLayer], language: str) -> dict[str, str]:
    strings: dict[str, str] = {}
    for layer in reversed(layers):
        strings.update(_strings(layer, language))
    if language == "fr":  # a theme's French strings get the typography articles get
        strings = {key: french_typography(text) for key, text in strings.items()}
    return strings


def _check_catalogues(layers: list[ThemeLayer], catalogues: dict[str, dict[str, str]]) -> None:
    # The keys any of the site's languages has in any layer: each of them must have them all.
    every_key = {key for layer in layers for language in catalogues for key in _strings(layer, language)}
    errors: list[HospiblogError] = []
    for language, strings in catalogues.items():
        file = layers[0].path / "i18n" / f"{language}.toml"
        for key in sorted(every_key - set(strings)):
            errors.append(ConfigError(f"the interface catalogue {language}.toml has no string '{key}'",
                                      location=SourceLocation(file),
                                      hint=f"add `{key} = \"…\"` in {language} to {file}"))
    if errors:
        raise errors[0] if len(errors) == 1 else BuildFailed(errors)


def _layers(config: SiteConfig) -> list[ThemeLayer]:
    builtin = builtin_theme_dir()
    layers: list[ThemeLayer] = []
    name: str | None = config.theme
    while name:
        path = builtin if name == "default" else config.site_dir / "themes" / name
        if not (path / "theme.toml").is_file():
            raise ConfigError(f"theme '{name}' not found (looked for {path / 'theme.toml'})",
                              location=SourceLocation(config.source_path),
                              hint="set theme = \"default\" or create the theme folder with a theme.toml")
        if any(layer.name == name for layer in layers):
            raise ConfigError(f"theme '{name}' extends itself through its parents",
                              location=SourceLocation(path / "theme.toml"), hint="fix `extends` in theme.toml")
        layers.append(ThemeLayer(name, path))
        name = _read_theme_toml(path).get("extends") or (None if name == "default" else "default")
    return layers


def read_toml(file: Path, name: str = "") -> dict[str, Any]:
    """A theme's TOML file (theme.toml, strings, card.toml, images.toml); a syntax or encoding error is a
    ConfigError naming the file."""
    try:
        return tomllib.loads(file.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"invalid {name or file.name}: {error}", location=SourceLocation(file),
                          hint="check the TOML syntax") from error


def key_line(file: Path, key: str) -> int | None:
    """The line of a TOML file that sets ``key`` (tomllib keeps no positions), for messages."""
    setting = re.compile(rf"\s*{re.escape(key)}\s*=")
    for number, line in enumerate(file.read_text("utf-8").splitlines(), start=1):
        if setting.match(line):
            return number
    return None


def _read_theme_toml(path: Path) -> dict[str, str]:
    return {key: str(value) for key, value in read_toml(path / "theme.toml").items()}


def _strings(layer: ThemeLayer, language: str) -> dict[str, str]:
    file = layer.path / "i18n" / f"{language}.toml"
    if not file.is_file():
        return {}
    return {str(key): str(value) for key, value in read_toml(file, "strings file").items()}


def _assets(folders: list[Path]) -> dict[str, Asset]:
    """Static files by logical path; later folders override earlier ones."""
    assets: dict[str, Asset] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        root = folder.resolve()
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if not path.is_file() or _hidden(relative):
                continue
            if not path.resolve().is_relative_to(root):
                raise ConfigError("a static file is a link to a place outside its folder",
                                  location=SourceLocation(path), hint="copy the file instead of linking to it")
            logical = relative.as_posix()
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
            assets[logical] = Asset(path, _hashed_name(logical, digest), digest)
    return assets


WELL_KNOWN = ".well-known"
"""The one hidden folder a site publishes: RFC 8615's place for security.txt (RFC 9116) and its peers."""


def _hidden(relative: Path) -> bool:
    """Hidden files and folders (.DS_Store, .git…) are not published, except under ``.well-known/``."""
    parts = relative.parts[1:] if relative.parts[0] == WELL_KNOWN else relative.parts
    return any(part.startswith(".") for part in parts)


def _hashed_name(logical: str, digest: str) -> str:
    path = PurePosixPath(logical)
    if path.suffix not in HASHED_SUFFIXES:
        return logical
    return str(path.with_name(f"{path.stem}.{digest[:10]}{path.suffix}"))


def _digest(theme: Theme) -> str:
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(__version__.encode())
    for folder in template_folders(theme):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                hasher.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    for language, strings in sorted(theme.catalogues.items()):
        for key in sorted(strings):
            hasher.update(f"{language}:{key}={strings[key]}\0".encode())
    for logical in sorted(theme.assets):
        hasher.update(f"{logical}={theme.assets[logical].digest}\0".encode())
    return hasher.hexdigest()


def template_folders(theme: Theme) -> list[Path]:
    """Template folders from most to least specific."""
    return [theme.site_templates] + [layer.path / "templates" for layer in theme.layers]


def make_environment(theme: Theme, *, cache_dir: Path | None = None) -> jinja2.Environment:
    """The Jinja environment: strict about undefined names, autoescaping HTML and XML."""
    import jinja2

    folders = [str(folder) for folder in template_folders(theme) if folder.is_dir()]
    prefixed = {layer.name: jinja2.FileSystemLoader(str(layer.path / "templates")) for layer in theme.layers}
    loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(folders), jinja2.PrefixLoader(prefixed)])
    bytecode_cache = None
    if cache_dir is not None:
        (cache_dir / "jinja").mkdir(parents=True, exist_ok=True)
        bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache_dir / "jinja"))
    environment = jinja2.Environment(
        loader=loader,
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=bytecode_cache,
        auto_reload=False,
    )
    environment.globals.update(t=theme.translate, asset_url=theme.asset_url,
                               content_security_policy=CONTENT_SECURITY_POLICY, referrer_policy=REFERRER_POLICY)
    return environment
