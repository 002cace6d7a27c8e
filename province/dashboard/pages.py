"""The dashboard's Jinja2 environment: templates under `templates/`, autoescape on for every template (a name
from a laptop or an account is text, never markup), undefined names an error (a typo fails a test instead of
printing nothing), and the few filters the pages format figures and times with."""

from __future__ import annotations

from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from province.dashboard import lang
from province.dashboard.data import CONTEXT, LABELS, MAIN, MET_LABELS, local, vn_date
from sync.protocol import INDICATORS

# The one inline style sheet of every page; its SHA-256 is in the Content-Security-Policy (province.security).
CSS = resources.files("province.dashboard").joinpath("templates/style.css").read_text(encoding="utf-8")
# The phone page's copy button, the only script of the hub: allowed on /phone alone, by its hash.
COPY_JS = resources.files("province.dashboard").joinpath("templates/copy.js").read_text(encoding="utf-8")
ROLE_LABELS = {"admin": "quản trị", "viewer": "xem", "leader": "lãnh đạo"}


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role)


def thousands(v: int) -> str:
    """Vietnamese thousands separator (1.234.567)."""
    return str(v) if -1000 < v < 1000 else f"{v:,}".replace(",", ".")


def percent(p: float | None) -> str:
    """24,7% (Vietnamese decimal comma); nothing when there is no target."""
    return "" if p is None else f"{p:.1f}%".replace(".", ",")


def _environment(english: bool = False) -> Environment:
    """The Vietnamese environment, or (english) the same one whose `finalize` prints every line in English:
    two environments, so the Vietnamese pages pay nothing for the English ones."""
    env = Environment(
        loader=PackageLoader("province.dashboard", "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        finalize=lang.printed if english else None,
    )
    env.filters.update(n=thousands, pct=percent, vn_date=vn_date, local=local, tr=lang.printed, keep=lang.keep)
    env.globals["css"] = Markup(CSS)  # a constant of this package, hashed into the CSP
    env.globals["copy_js"] = Markup(COPY_JS)  # idem, on the phone page only
    env.globals.update(role_label=role_label, labels=LABELS, indicators=INDICATORS, main=MAIN, context=CONTEXT,
                       met_labels=MET_LABELS, _=lang.gettext, lang_switch=lang.switch, lang=lang.current)
    return env


ENV = _environment()
ENV_EN = _environment(english=True)
ENV_EN.globals = ENV.globals  # one set of globals and filters for both (render.py adds to them)
ENV_EN.filters = ENV.filters


def environment() -> Environment:
    """The environment of the request's language (province/dashboard/lang.py)."""
    return ENV_EN if lang.english() else ENV


def render(template: str, **context: Any) -> str:
    """The page `template` (a file under templates/) filled with `context`, every value escaped, in the
    request's language."""
    return environment().get_template(template).render(**context)
