"""The hub's log lines: one format for uvicorn's and the hub's own loggers, each line starting with its UTC time.

`serve` hands `uvicorn_config(level)` to uvicorn (workers included), so every line reads
`2026-12-06T19:22:01Z INFO province.api: batch … from device … (commune 22736): 1 new, 0 updated, 0 ignored`.
Lines go to standard error; where they are kept (the journal, a file and its rotation) is the service's
business (docs/hub.md "Logs"). What the hub writes: device ids, commune codes, counts, account names and
client addresses — never a token (login-link paths are redacted by province.security), a password, a
report's village breakdown or anything about a person.
"""

from __future__ import annotations

import logging
import time
from typing import Any

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
ACCESS_FORMAT = "%(asctime)s %(levelname)s access: %(message)s"


class UTCFormatter(logging.Formatter):
    """ISO 8601 UTC to the second with a Z: the same on every server whatever its time zone."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created))


def batch_outcome(log: logging.Logger, summary: dict[str, Any], device: str, commune: str, via: str) -> None:
    """The one line per stored batch: its id, device, commune and what became of its reports (counts only)."""
    log.info("batch %s from device %s (commune %s, %s): %s new, %s updated, %s ignored, %s conflicts%s",
             summary.get("batch_id", "?"), device, commune, via, summary.get("imported", 0), summary.get("updated", 0),
             summary.get("ignored", 0), len(summary.get("conflicts") or ()),
             " (sent again: the stored answer)" if summary.get("replayed") else "")


def stamped(message: str, name: str = "province.cli") -> str:
    """A line printed before logging is set up (the start banner), in the same shape as the log's lines."""
    return f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} INFO {name}: {message}"


def uvicorn_config(level: str = "info") -> dict[str, Any]:
    """A `logging.config.dictConfig` for `uvicorn.run(log_config=…)`: timestamped lines on stderr for uvicorn
    (server and access log) and for the hub's own `province.*` loggers (left without a handler, their info
    lines — batches, logins — were dropped)."""
    upper = level.upper()
    handler = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "plain": {"()": UTCFormatter, "fmt": FORMAT},
            "access": {"()": UTCFormatter, "fmt": ACCESS_FORMAT},
        },
        "handlers": {"plain": {**handler, "formatter": "plain"}, "access": {**handler, "formatter": "access"}},
        "loggers": {
            "uvicorn": {"handlers": ["plain"], "level": upper, "propagate": False},
            "uvicorn.error": {"level": upper},
            "uvicorn.access": {"handlers": ["access"], "level": upper, "propagate": False},
            "province": {"handlers": ["plain"], "level": upper, "propagate": False},
        },
    }
