"""hcpdash: a terminal dashboard for Hitachi Content Platform systems."""

__version__ = "0.1.0"
