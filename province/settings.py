"""The hub's settings: one object read from the environment (ENROLLPOINT_HUB_*), once per process start.

No other module of the hub reads the environment (a test holds that): the CLI loads the settings once in
`main` and hands them on, the database layer takes them as an argument. No `.env` file is read: a server's
configuration lives in its service definition, and the password variable is for scripts only.

| variable | meaning | default |
|---|---|---|
| ENROLLPOINT_HUB_DB | database URL or SQLite file path | `sqlite:///<data dir>/hub.db` |
| ENROLLPOINT_HUB_DATA_DIR | the data folder (the default SQLite file lives there) | the platform's user data dir |
| ENROLLPOINT_HUB_SQLITE_SYNC | `NORMAL` trades power-cut safety for speed (bulk loads) | `FULL` |
| ENROLLPOINT_HUB_PASSWORD | `user add` / `user passwd` without a prompt (scripts) | prompt twice |
| ENROLLPOINT_HUB_LANG | `en`: the CLI speaks English | `vi` (Vietnamese) |
| ENROLLPOINT_HUB_TRUSTED_PROXIES | addresses/CIDRs of the TLS proxies whose `X-Forwarded-For` / `-Proto` are believed (comma-separated) | none |
| ENROLLPOINT_HUB_SECURE_COOKIES | `1`: always mark the session cookie Secure | off |
| ENROLLPOINT_HUB_API_DOCS | `1`: serve the interactive API pages /docs and /redoc (they load Swagger UI / ReDoc from a CDN, blank on a closed network; /openapi.json is always served) | off |
| ENROLLPOINT_HUB_ROLE | `national`: a national hub (province hubs report to it, laptops are refused; province.national) | `province` |
| ENROLLPOINT_HUB_BACKUP_PASSPHRASE | `backup` / `restore` without a prompt (scripts, timers) | prompt |

`serve --workers N` hands its `--db` and `--secure-cookies` on to the worker processes through
`export_for_workers` (the only place that writes the environment): every worker reads the same settings.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PREFIX = "ENROLLPOINT_HUB_"
Lang = Literal["vi", "en"]


class HubSettings(BaseSettings):
    """Everything the hub takes from its environment; unknown ENROLLPOINT_HUB_* variables are ignored."""

    model_config = SettingsConfigDict(env_prefix=PREFIX, case_sensitive=False, extra="ignore")

    db: str | None = None
    read_db: str | None = None  # a read replica for the steering views (province.db.HubDB.view_session)
    data_dir: Path | None = None
    sqlite_sync: Literal["FULL", "NORMAL"] = "FULL"
    password: SecretStr | None = None
    lang: Lang = "vi"
    batches_in_flight: int = 8  # more concurrent POST /batches answer 429 + Retry-After (province.inflight)
    trusted_proxies: str = ""
    secure_cookies: bool = False
    api_docs: bool = False  # /docs and /redoc load their scripts from a CDN: off unless asked for
    backup_passphrase: SecretStr | None = None  # province.cli_ops: backup / restore without a prompt
    role: Literal["province", "national"] = "province"  # province.national.role: who may report to this hub
    freeze_gc: bool = False  # set by `serve` for its processes: start-up objects out of the GC's passes (app.py)

    @field_validator("role", mode="before")
    @classmethod
    def _role(cls, value: object) -> str:
        text = str(value or "").strip().lower()
        if text not in ("", "province", "national"):  # a typo must stop the start, not take laptops nationally
            raise ValueError("ENROLLPOINT_HUB_ROLE must be province or national")
        return text or "province"

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies(cls, value: object) -> str:
        text = ",".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value or "")
        parts = [p.strip() for p in text.replace(" ", ",").split(",") if p.strip()]
        for part in parts:  # a typo must stop the start, not silently trust nobody (or everybody)
            ipaddress.ip_network(part, strict=False)
        return ",".join(parts)

    def proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        """The trusted proxies as networks (a bare address is a /32 or /128); empty: trust no proxy."""
        return tuple(ipaddress.ip_network(p, strict=False) for p in self.trusted_proxies.split(",") if p)

    @field_validator("sqlite_sync", mode="before")
    @classmethod
    def _sync(cls, value: object) -> str:
        # FULL: an acknowledged batch survives a power cut (the laptop marks it sent on our answer). NORMAL
        # (WAL) is corruption-safe but may lose the last commits on an OS crash; anything else means FULL.
        return "NORMAL" if str(value or "").strip().upper() == "NORMAL" else "FULL"

    @field_validator("lang", mode="before")
    @classmethod
    def _lang(cls, value: object) -> str:
        return "en" if str(value or "").strip().lower().startswith("en") else "vi"

    @field_validator("db", "read_db", "data_dir", mode="before")
    @classmethod
    def _db(cls, value: object) -> object:
        return value or None  # an empty variable means "not set", as before

    def hub_data_dir(self) -> Path:
        """The data folder, created if missing."""
        path = (self.data_dir.expanduser() if self.data_dir else
                Path(platformdirs.user_data_dir("EnrollPoint-Hub", appauthor=False)))
        path.mkdir(parents=True, exist_ok=True)
        return path

    def database_url(self) -> str:
        return self.db or f"sqlite:///{self.hub_data_dir() / 'hub.db'}"


def export_for_workers(db_url: str, *, secure_cookies: bool) -> None:
    """`serve --workers N`: uvicorn starts each worker afresh and each reads the environment, so the
    options given on the command line go there (for this process and its children only)."""
    os.environ[PREFIX + "DB"] = db_url
    os.environ[PREFIX + "FREEZE_GC"] = "1"  # a serving process (province/app.py)
    if secure_cookies:
        os.environ[PREFIX + "SECURE_COOKIES"] = "1"


def load() -> HubSettings:
    """Read the environment now (the CLI calls this once per run; the app once at creation)."""
    return HubSettings()
