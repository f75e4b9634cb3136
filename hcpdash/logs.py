"""Logging set-up: verbosity from -v/-q, an optional file, secrets always scrubbed."""

from __future__ import annotations

import logging
from pathlib import Path

from hcpdash.redact import RedactingFilter

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(verbose: int = 0, quiet: bool = False, log_file: str | Path | None = None) -> None:
    """Configure the ``hcpdash`` logger; stderr gets warnings by default, the file everything asked for."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose or 0, 2)]
    logger = logging.getLogger("hcpdash")
    logger.setLevel(min(level, logging.INFO) if log_file else level)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    handlers[0].setLevel(level)
    if log_file:
        file_handler = logging.FileHandler(Path(log_file).expanduser(), encoding="utf-8")
        file_handler.setLevel(min(level, logging.INFO))
        handlers.append(file_handler)
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(RedactingFilter())
        logger.addHandler(handler)
    logger.propagate = False


def console_off() -> None:
    """While the dashboard owns the terminal, log only to the log file (if any)."""
    logger = logging.getLogger("hcpdash")
    for handler in list(logger.handlers):
        if type(handler) is logging.StreamHandler:
            logger.removeHandler(handler)
