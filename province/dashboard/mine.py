"""`/mine` — "Địa bàn của tôi": the page a leader account opens on. Its communes only (the account's
scope): today's and the cumulative figures, whether the commune reported the day and how many of its
laptops were heard ("2/3 máy"), the target sets' "x/y — z%" with met / not met, and the leader named for
each commune (`leader set`, province/workdays.py — names as entered, not tied to the account)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from province import workdays
from province.dashboard import data, scope
from province.dashboard import target_figures as tf
from province.dashboard.login import PageUser
from province.dashboard.pages import render
from province.dashboard.routes import NO_STORE, OnQ, _on
from province.db import HubDB

router = APIRouter(tags=["dashboard"])


def heard(row: data.Row, day: dt.date) -> str:
    """'2/3 máy': laptops that reported for the day out of the commune's live ones ('' without laptops)."""
    live = [lap for lap in row.laptops if not lap.revoked]
    if not live:
        return ""
    return f"{sum(1 for lap in live if lap.last_day == day)}/{len(live)} máy"


@router.get(scope.MINE, response_class=HTMLResponse, summary="My localities: a leader's communes (HTML)")
def mine(request: Request, user: PageUser, on: OnQ = None) -> HTMLResponse:
    day = _on(on)
    db: HubDB = request.app.state.db
    codes = set(user.communes)
    with db.view_session() as s:
        rows = [r for r in data.province_rows(s, day, user.province) if r.code in codes] if codes else []
        sets = {c.code: c.figures for c in tf.communes(s, day) if c.code in codes} if codes else {}
        leaders = workdays.leaders(s)
    html = render("mine.html", title="Địa bàn của tôi — EnrollPoint", user=user, on=day, rows=rows, sets=sets,
                  leaders=leaders, heard=heard)
    return HTMLResponse(html, headers=NO_STORE)
