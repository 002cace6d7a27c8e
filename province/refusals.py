"""The hub's one exception handler: a `HubRefusal` becomes the JSON error body or the dashboard's page.

The API (/api/v1/…) and any client asking for JSON get `{"detail", "field", "words_vi"}` — `detail` is the
English words the laptops have always read, `words_vi` the Vietnamese (an added key: laptops that do not know it
ignore unknown keys). The dashboard gets its message page with the Vietnamese words, never cached.
"""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from province.errors import HubRefusal

NO_STORE = {"Cache-Control": "no-store"}
# Pages of the offline work (files, day codes, receipts) link back to their own page, the rest to the table.
_OFFLINE_PATHS = ("/dashboard/offline", "/dashboard/day-code", "/dashboard/targets-file", "/dashboard/enrol-file",
                  "/dashboard/receipt/")


def wants_json(request: Request) -> bool:
    """The API always; a dashboard route when the client asked for JSON (scripts uploading bundles)."""
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def refusal_body(exc: HubRefusal) -> dict[str, str | None]:
    return {"detail": exc.words("en"), "field": exc.field, "words_vi": exc.words("vi")}


def refusal_response(request: Request, exc: HubRefusal) -> Response:
    """The answer to a refusal: JSON or the message page, with the refusal's status and words."""
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 and wants_json(request) else {}
    if (retry_after := getattr(exc, "retry_after", None)) is not None:  # TooBusy: when to come back
        headers["Retry-After"] = str(retry_after)
    if wants_json(request):
        return JSONResponse(refusal_body(exc), status_code=exc.status, headers={**headers, **NO_STORE})
    from province.dashboard import lang, render

    home = "/dashboard/offline" if request.url.path.startswith(_OFFLINE_PATHS) else "/"
    words = exc.words("en" if lang.english() else "vi")  # the page's language (its title: the catalogue)
    html = render.message_page(exc.title, [words], error=True, home=home)
    return HTMLResponse(html, status_code=exc.status, headers={**headers, **NO_STORE})


async def _handle(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HubRefusal)  # registered for HubRefusal only
    return refusal_response(request, exc)


def install(app: FastAPI) -> None:
    """Register the one handler (every subclass of HubRefusal goes through it)."""
    app.add_exception_handler(HubRefusal, _handle)
