"""`/rankings` — a target set's ranking as published at the day's cut-off (province/dashboard/published.py):
top 10, bottom 10, met / not met, the move since the published yesterday and 7 days before (↑3 / ↓2), and
"đã điều chỉnh" beside a commune whose figure changed after publication (the published place stays).
Filtered to one group of communes (`groups import`) and, for a scoped account, to its communes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from province.dashboard import published, scope
from province.dashboard import target_figures as tf
from province.dashboard.login import PageUser
from province.dashboard.pages import render
from province.dashboard.routes import NO_STORE, OnQ, _on
from province.db import HubDB

router = APIRouter(tags=["dashboard"])
SetQ = Annotated[int | None, Query(ge=1, le=2**31 - 1, description="the target set ranked")]
GroupQ = Annotated[str | None, Query(max_length=120, description="one group of communes (groups import)")]
MetQ = Annotated[str | None, Query(pattern="^(yes|no)$", description="met (yes) or not met (no) only")]
EDGE = 10


@router.get("/rankings", response_class=HTMLResponse, summary="A target set's ranking as published (HTML)")
def rankings_page(request: Request, user: PageUser, on: OnQ = None, set: SetQ = None,  # noqa: A002
                  group: GroupQ = None, met: MetQ = None) -> HTMLResponse:
    day = _on(on)
    db: HubDB = request.app.state.db
    with db.view_session() as s:
        all_sets = tf.sets(s)
        chosen = set if set is not None else (all_sets[0].id if all_sets else None)
        rows = published.board(s, chosen, day, group or None) if chosen is not None else []
        days = published.published_days(s, chosen) if chosen is not None else []
        groups = published.groups(s)
    rows = [r for r in rows if scope.sees(user, r.code, r.province_code)]
    listed = [r for r in rows if met is None or r.met == (met == "yes")]
    html = render("rankings.html", title="Xếp hạng — EnrollPoint", user=user, on=day, all_sets=all_sets,
                  chosen=chosen, rows=listed, top=rows[:EDGE], bottom=rows[-EDGE:][::-1] if len(rows) > EDGE else [],
                  met_count=sum(1 for r in rows if r.met), total=len(rows), days=days, groups=groups,
                  group=group or "", met=met or "", adjusted=published.ADJUSTED)
    return HTMLResponse(html, headers=NO_STORE)
