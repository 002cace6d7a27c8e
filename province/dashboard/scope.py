"""What a scoped account may open (province/account_scope.py stores the scope). A province viewer or admin
sees only its province's communes on every page and export, and an admin of a province acts only on its
communes (codes, targets files, day codes, devices); a leader sees only its communes and opens on
"my localities" (/mine). Anything else is refused with words and 403 — never an empty page that looks like
"nothing reported".

`gate` runs in the login dependencies for every signed-in page and export (path and query checks that need
no route's help); `province` gives a route the province filter to apply; `require` checks one commune
before an admin action writes anything."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from fastapi import Request
from sqlalchemy.orm import Session

from province.auth import Auth
from province.db import HubDB
from province.errors import NotAllowed
from province.models import Commune

T = TypeVar("T")
MINE = "/mine"
LEADER_PATHS = ("/", MINE, "/rankings", "/export.csv", "/export.xlsx", "/logout")
COMMUNE_PATHS = ("/commune/", "/targets/commune/")


def _other_province(own: str) -> NotAllowed:
    return NotAllowed(f"this account sees province {own} only",
                      vi=f"Tài khoản này chỉ được xem tỉnh {own}.", field="province", title="Ngoài phạm vi tài khoản")


def _other_commune(code: str) -> NotAllowed:
    return NotAllowed(f"commune {code} is outside this account's scope",
                      vi=f"Xã {code} nằm ngoài phạm vi của tài khoản này.", field="commune",
                      title="Ngoài phạm vi tài khoản")


def _leader_only() -> NotAllowed:
    return NotAllowed("a leader account sees its own localities only (/mine)",
                      vi="Tài khoản lãnh đạo chỉ xem các xã mình phụ trách (trang «Địa bàn của tôi»: /mine).",
                      title="Ngoài phạm vi tài khoản")


def sees(user: Auth, code: str, province_code: str) -> bool:
    if user.province is not None and province_code != user.province:
        return False
    return not user.communes or code in user.communes


def require(s: Session, user: Auth, code: str) -> None:
    """Refuse (403, words) a commune outside the account's scope; an unknown code is left to the action."""
    if not user.scoped:
        return
    commune = s.get(Commune, code)
    if commune is not None and not sees(user, commune.code, commune.province_code):
        raise _other_commune(code)


def province(user: Auth, requested: str | None) -> str | None:
    """The province filter of a page or export: a province account's own (another one asked: 403)."""
    if user.province is None:
        return requested or None
    if requested and requested != user.province:
        raise _other_province(user.province)
    return user.province


def keep(user: Auth, rows: Iterable[T], code_of: str = "code") -> list[T]:
    """The rows of the communes a leader answers for (everything for other accounts)."""
    if not user.communes:
        return list(rows)
    return [r for r in rows if getattr(r, code_of) in user.communes]


def gate(request: Request, user: Auth) -> None:
    """Path-level refusals for a scoped account, before the route runs."""
    if not user.scoped:
        return
    path = request.url.path
    province(user, request.query_params.get("province"))
    if path.startswith("/national"):
        own = f"/national/{user.province}" if user.province else None
        if path.rstrip("/") != own:
            raise _leader_only() if user.communes else _other_province(user.province or "")
        return
    # the commune is the first segment after the prefix: /commune/22736, /commune/22736/points, /…/laptop/X
    codes = [path[len(p):].strip("/").split("/")[0] for p in COMMUNE_PATHS if path.startswith(p)]
    if request.query_params.get("commune"):
        codes.append(request.query_params["commune"])
    if codes:
        db: HubDB = request.app.state.db
        with db.session() as s:
            for code in codes:
                require(s, user, code)
        return
    if user.communes and path not in LEADER_PATHS:
        raise _leader_only()
