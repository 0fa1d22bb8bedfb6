"""patforge: keep a repository of automation patterns complete and consistent."""

__version__ = "0.1.0"
