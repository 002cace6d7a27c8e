"""The dashboard's language: Vietnamese first, English when asked (`?lang=en`, then kept in the `ep_lang`
cookie). One catalogue (`lang_catalogue`) serves the Jinja2 templates two ways: a template's own words go
through `_("…")`, and every other printed string — the words the Python modules build (statuses, labels,
reasons, titles) — through the English environment's `finalize` hook (`printed`; province/dashboard/pages.py), which also turns Vietnamese number
format into English (56.873/57.543 — 98,83% → 56,873/57,543 — 98.83%). Vietnamese pages are unchanged: both
hooks return their text as it is. Data (commune, village, leader and target-set names) is never in the
catalogue, so it prints as entered.

The language is per request (a context variable set by `LanguageMiddleware`), so nothing cached across
requests may hold translated text unless keyed by `current()`. PDFs, XLSX and the Zalo/SMS text stay
Vietnamese (administrative documents and messages for Vietnamese readers)."""

from __future__ import annotations

import re
from contextvars import ContextVar
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

from province.dashboard.lang_catalogue import CATALOGUE, PATTERNS

VI, EN = "vi", "en"
COOKIE = "ep_lang"
_LANG: ContextVar[str] = ContextVar("ep_dashboard_lang", default=VI)
_WHERE: ContextVar[tuple[str, str]] = ContextVar("ep_dashboard_where", default=("/", ""))
# a whole Vietnamese number (3.321 · 56.873 · 98,83 · 1.234,5), never part of a code or coordinates (40.0,120.5)
_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:\.\d{3})*(?:,\d+)?(?![\w]|[.,]\w)")
_SPLITS = (" · ", "; ", ", ")


def current() -> str:
    return _LANG.get()


def english() -> bool:
    return _LANG.get() == EN


def _swap(m: re.Match[str]) -> str:
    return m.group(0).translate(_DOT_COMMA)


_DOT_COMMA = str.maketrans(".,", ",.")


def en_numbers(text: str) -> str:
    """Vietnamese thousands dots and decimal commas as English ones; dates, times and codes untouched."""
    return _NUMBER.sub(_swap, text)


@lru_cache(maxsize=65536)  # the province table prints the same few thousand lines on every request
def translate(text: str) -> str:
    """The English of a Vietnamese line: the catalogue's, else the first pattern that matches it whole, else
    its parts (joined by " · ", "; " or ", ") translated one by one; unknown text (data) as it is."""
    if text in CATALOGUE:
        return CATALOGUE[text]
    for pattern, english_words in PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            return english_words.format("", *(translate(g) if g else "" for g in m.groups()))
    for sep in _SPLITS:
        if sep in text:
            return sep.join(translate(part) for part in text.split(sep))
    return text


def gettext(text: str, **values: Any) -> str:
    """A template's own words (`_("…")`), `%(name)s` filled with `values`; English when asked."""
    words = CATALOGUE.get(text, text) if english() else text
    return words % values if values else words


def printed(value: Any) -> Any:
    """The English environment's finalize hook (and the `tr` filter): every printed string in English when
    asked (markup, already made by a template, and kept text as they are)."""
    if not english() or not isinstance(value, str) or isinstance(value, Kept) or hasattr(value, "__html__"):
        return value
    return en_numbers(translate(value))


class Kept(str):
    """Text printed as it is in either language (escaped as any text)."""


def keep(text: str) -> Kept:
    """The Zalo/SMS summary stays Vietnamese: it is a message for Vietnamese readers."""
    return Kept(text)


def switch() -> dict[str, str]:
    """The link to the same page in the other language (top right of every page, in _base.html)."""
    path, query = _WHERE.get()
    other = VI if english() else EN
    params = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "lang"] + [("lang", other)]
    return {"href": f"{path}?{urlencode(params)}", "lang": other, "words": "Tiếng Việt" if other == VI else "English"}


class LanguageMiddleware:
    """Pure ASGI: picks the request's language (`?lang=`, else the cookie, else Vietnamese), keeps the path
    for the switch link, and sets the cookie when `?lang=` chose one."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")[:4096]
        asked = next((v for k, v in parse_qsl(query) if k == "lang"), None)
        chosen = asked if asked in (VI, EN) else _cookie(scope)
        t1, t2 = _LANG.set(chosen), _WHERE.set((scope.get("path", "/"), query))

        async def send_with_cookie(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and asked in (VI, EN):
                cookie = f"{COOKIE}={asked}; Path=/; Max-Age=31536000; SameSite=Lax"
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode("ascii"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_cookie)
        finally:
            _LANG.reset(t1)
            _WHERE.reset(t2)


def _cookie(scope: dict[str, Any]) -> str:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            for part in value.decode("latin-1")[:4096].split(";"):
                k, _, v = part.strip().partition("=")
                if k == COOKIE and v in (VI, EN):
                    return v
    return VI
