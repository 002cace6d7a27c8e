"""Setting up which commune this laptop serves: one service for the first-run dialog and `enrollpoint init`.

Both paths decide the same things here: the commune must agree with the 2025 list (a code not in the list
needs its name and province and is kept with a warning), once an account exists only a supervisor may set
the commune, the points typed at first run are added (the first one is the office) and a commune left with
no point gets the headquarters point (a day close needs one), and the change is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from common.vietnamese import fold, nfc
from desktop import config
from desktop.changes import Changes, declares
from desktop.errors import ValidationError
from desktop.services import auth
from desktop.services.register import points as pts

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop.models import Operator

# A point typed at first run: (code, name, address).
PointRow = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class CommuneChoice:
    """The commune as the catalogue confirms it; `known` is False for a code the 2025 list lacks."""

    commune: config.Commune
    known: bool
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CommuneSetUp:
    """What `set_up_commune` did, with the change-set the UI announces."""

    commune: config.Commune
    known: bool
    warnings: list[str] = field(default_factory=list)
    points_created: list[str] = field(default_factory=list)
    changes: Changes = Changes(commune=True, points=True, settings=True)


def _digits(raw: str) -> str:
    return raw.strip().lstrip("0") or "0"


def choose_commune(code: str, name: str | None = None, province_code: str | None = None) -> CommuneChoice:
    """Check a commune against the 2025 list: a known code must not contradict the name or province given."""
    from sync import communes

    code = _digits(code)
    if not code.isdigit():
        raise ValidationError("commune_code", code, f"Mã xã/phường '{code}' phải là chữ số.",
                              en=f"Commune code '{code}' must be digits.")
    rec = communes.by_code(code)
    if rec is not None:
        if name and fold(name) != fold(rec.name):
            raise ValidationError("commune_name", name, f"Mã {code} là '{rec.name}', không phải '{nfc(name)}'.",
                                  en=f"Code {code} is '{rec.name}', not '{nfc(name)}'.")
        if province_code and _digits(province_code) != rec.province_code:
            raise ValidationError("province_code", province_code,
                                  f"Mã {code} thuộc tỉnh/thành mã {rec.province_code} ({rec.province_name}), "
                                  f"không phải mã {province_code}.",
                                  en=f"Code {code} belongs to province {rec.province_code} ({rec.province_name}), "
                                     f"not {province_code}.")
        return CommuneChoice(config.Commune(rec.code, rec.name, rec.province_code, rec.province_name), True)
    if not name or not province_code:
        raise ValidationError("commune_code", code,
                              f"Mã {code} không có trong danh mục 2025: cần tên xã/phường và mã tỉnh/thành.",
                              en=f"Code {code} is not in the 2025 list: the commune's name and the province code "
                                 "are needed.")
    prov = _digits(province_code)
    warning = f"Mã {code} không có trong danh mục xã/phường 2025; đã lưu theo thông tin nhập."
    return CommuneChoice(config.Commune(code, nfc(name), prov, communes.provinces().get(prov, "")), False,
                         (warning,))


@declares(Changes(commune=True, points=True, settings=True))
def set_up_commune(session: Session, choice: CommuneChoice, points: Sequence[PointRow] = (), *,
                   operator: Operator | auth.OperatorInfo | None = None) -> CommuneSetUp:
    """Write the commune and its points in the caller's transaction (the supervisor rule checked first)."""
    if not auth.needs_first_operator(session):
        auth.check_change_settings(operator)
    warnings = list(choice.warnings)
    old = config.commune(session)
    commune = choice.commune
    if old is not None and old.code != commune.code:
        warnings.append(f"Đã đổi xã/phường từ {old.code} ({old.name}) sang {commune.code}.")
    config.set_commune(session, commune)
    created = _add_points(session, points)
    made = pts.ensure_headquarters(session)
    if made is not None:
        created.append(made.code)
    auth.audit(session, getattr(operator, "id", None), "commune.set_up", "settings",
               detail=f"{commune.code}; {len(created)} điểm mới")
    return CommuneSetUp(commune, choice.known, warnings, created)


def _add_points(session: Session, points: Sequence[PointRow]) -> list[str]:
    """The points typed at first run that do not exist yet; the first typed one is the office."""
    existing = {p.code for p in pts.list_points(session)}
    created: list[str] = []
    for i, (code, name, address) in enumerate(points):
        if nfc(code) in existing:
            continue
        pts.add_point(session, code, name, address, kind="office" if i == 0 else "mobile")
        created.append(nfc(code))
    return created
