"""The one root of every refusal the hub makes: bad input, unknown names, a refused file or batch.

A refusal carries what every answer needs: the HTTP status, the field at fault (for the laptop), the words in
Vietnamese and in English, and a short page title for the dashboard. One exception handler
(`province.refusals`) turns it into the JSON error body of the API or the dashboard's message page; the CLI
prints its words in its language on one line and exits 2. Routes and commands raise it; none builds an error
answer by hand. Pure: no FastAPI here, so the services that raise it stay free of the web layer.
"""

from __future__ import annotations

LANGS = ("vi", "en")


class HubRefusal(Exception):
    """Input the hub will not act on; nothing was stored. `str()` is the English words (what the API's
    `detail` has always said); `words(lang)` the words for the officer in that language."""

    status: int = 422
    title: str = "Không làm được việc này"  # the dashboard page's heading

    def __init__(self, en: str, *, vi: str | None = None, status: int | None = None, field: str | None = None,
                 title: str | None = None) -> None:
        super().__init__(en or vi or "")
        self.words_en = en or vi or ""
        self.words_vi = vi or en or ""
        if status is not None:
            self.status = status
        self.field = field
        if title is not None:
            self.title = title

    def words(self, lang: str = "vi") -> str:
        """The officer's words in `lang` (Vietnamese unless "en"); the other language when only it exists."""
        return self.words_en if lang == "en" else self.words_vi


class TooBusy(HubRefusal):
    """The hub is busy (too many batches in flight): 429 with Retry-After, so a returning link backs off."""

    status = 429
    title = "Máy chủ tỉnh đang bận"

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many batches in flight; retry later",
                         vi=f"Máy chủ tỉnh đang bận nhận báo cáo của nhiều máy: thử lại sau {retry_after} giây.")
        self.retry_after = retry_after


class NotAllowed(HubRefusal):
    """A signed-in user without the right (not an admin) or without the session's CSRF token: 403."""

    status = 403
    title = "Không có quyền"


class BadToken(HubRefusal):
    """A device request without a valid bearer token: 401."""

    status = 401
