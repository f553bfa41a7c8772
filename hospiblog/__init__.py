"""hospiblog: a static blog generator for hospitals.

The public API: ``build`` a site (told to a ``Progress`` if given), ``load_config``, the model types and the
errors.
"""

__version__ = "0.1.0"

# Imported after __version__, which the modules below read.
from .build import BuildOptions, BuildReport, build
from .config import SiteConfig, load_config
from .errors import (
    BuildFailed,
    ConfigError,
    ContentError,
    HospiblogError,
    OutputError,
    SourceLocation,
    TemplateError,
)
from .model import Author, Category, Event, Place, Post, PostMeta, Site, SourceFile, Tag
from .progress import Progress

__all__ = [
    "Author",
    "BuildFailed",
    "BuildOptions",
    "BuildReport",
    "Category",
    "ConfigError",
    "ContentError",
    "Event",
    "HospiblogError",
    "OutputError",
    "Place",
    "Post",
    "PostMeta",
    "Progress",
    "Site",
    "SiteConfig",
    "SourceFile",
    "SourceLocation",
    "Tag",
    "TemplateError",
    "__version__",
    "build",
    "load_config",
]
