"""hospiblog: a static blog generator for hospitals."""

__version__ = "0.1.0"
