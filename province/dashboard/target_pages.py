"""The target sets pages (signed in, viewer or admin): `/targets` — every set over the province and each
commune's "x/y — z%", met or not at the deadline and today, and its projection; with `set` chosen, the
ranking of its communes (by share, ties by count) with the move since yesterday and 7 days ago;
`/targets/commune/{code}` — one commune's sets and its points' counts (no percentage: a point has no
population). Figures from `target_figures`; the day shown is `on` (default: today in Vietnam)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from province.dashboard import lang, scope
from province.dashboard import target_figures as tf
from province.dashboard.login import PageUser
from province.dashboard.pages import ENV, ENV_EN, render
from province.dashboard.render import point_name
from province.dashboard.routes import NO_STORE, OnQ, ProvQ, _on
from province.db import HubDB
from province.models import Commune

router = APIRouter(tags=["dashboard"])
Code = Annotated[str, Path(max_length=32, pattern=r"^[0-9A-Za-z_.\-]+$")]
SetQ = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="show one target set only")]


def _met(value: bool | None) -> str:
    return "Chưa đến hạn" if value is None else ("Đạt" if value else "Không đạt")


def set_row_html(code: str, name: str, figure: tf.SetFigure, on: dt.date) -> Markup:
    """A commune's row of one set on /targets, rendered once per (commune, figure, day, language): most rows
    do not change between two views, and a set has a row for each of the province's communes."""
    return _set_row_html(code, name, figure, on, lang.current())


@lru_cache(maxsize=16384)  # 3,321 communes × a few sets
def _set_row_html(code: str, name: str, figure: tf.SetFigure, on: dt.date, language: str) -> Markup:
    env = ENV_EN if language == lang.EN else ENV
    macro = env.get_template("_targets_macros.html").module.commune_set_row  # type: ignore[attr-defined]
    row: Markup = macro(code, name, figure, on, _met)
    return row


ENV.globals.update(set_row_html=set_row_html)


@router.get("/targets", response_class=HTMLResponse, summary="Target sets over the province (HTML)")
def targets_page(request: Request, user: PageUser, on: OnQ = None, province: ProvQ = None,
                 set: SetQ = None) -> HTMLResponse:  # noqa: A002 - the query parameter's name
    day = _on(on)
    province = scope.province(user, province)
    db: HubDB = request.app.state.db
    with db.view_session() as s:
        all_sets = tf.sets(s)
        rows = tf.communes(s, day, province or None)
        ranked = tf.ranking(s, set, day, province or None) if set is not None else []
    chosen = [t for t in all_sets if set is None or t.id == set]
    if set is not None:  # copies: the rows are the kept ones other requests read (dashboard/stamped.py)
        rows = [replace(c, figures=[f for f in c.figures if f.set_id == set]) for c in rows]
        rows = [c for c in rows if c.figures]
    html = render("targets.html", title="Bộ chỉ tiêu — EnrollPoint", user=user, on=day, all_sets=all_sets,
                  chosen=set, totals=tf.totals(chosen, rows, day), rows=rows, met=_met,
                  basis_labels=tf.BASIS_LABELS, province=province or "", ranked=ranked)
    return HTMLResponse(html, headers=NO_STORE)


@router.get("/targets/commune/{code}", response_class=HTMLResponse, summary="One commune's target sets (HTML)")
def commune_targets(request: Request, code: Code, user: PageUser, on: OnQ = None) -> HTMLResponse:
    day = _on(on)
    db: HubDB = request.app.state.db
    with db.view_session() as s:
        commune = s.get(Commune, code)
        if commune is None:
            return HTMLResponse(render("message.html", title="Không tìm thấy xã", lines=[code], error=True,
                                       home="/targets", receipt=None), status_code=404)
        found = tf.communes(s, day, code=code)
        points = tf.points(s, code, day)
        name = commune.name
    figures = found[0].figures if found else []
    html = render("commune_targets.html", title=f"{name} — bộ chỉ tiêu", user=user, on=day, commune=commune,
                  figures=figures, points=points, met=_met, point_name=point_name, basis_labels=tf.BASIS_LABELS)
    return HTMLResponse(html, headers=NO_STORE)
