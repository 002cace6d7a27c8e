"""The commune's identity and user settings, stored in the commune database's settings table."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from common.vietnamese import NameOrder, nfc
from desktop.changes import Changes, declares
from desktop.models import Setting
from desktop.settings_keys import (
    KEY_COMMUNE_CODE,
    KEY_COMMUNE_NAME,
    KEY_DEMO,
    KEY_NAME_ORDER,
    KEY_PROVINCE_CODE,
    KEY_PROVINCE_NAME,
)


@dataclass(frozen=True, slots=True)
class Commune:
    code: str
    name: str
    province_code: str
    province_name: str = ""
    demo: bool = False


def get(session: Session, key: str, default: str = "") -> str:
    row = session.get(Setting, key)
    return row.value if row is not None else default


@declares(Changes(settings=True))
def put(session: Session, key: str, value: str) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    session.flush()


@declares(Changes())
def put_window_state(session: Session, key: str, value: str) -> None:
    """A setting no screen shows (the main window's size, its open panels): stored without a refresh."""
    put(session, key, value)


def commune(session: Session) -> Commune | None:
    """The configured commune, or None before first-run set-up."""
    code = get(session, KEY_COMMUNE_CODE)
    if not code:
        return None
    return Commune(
        code=code,
        name=get(session, KEY_COMMUNE_NAME),
        province_code=get(session, KEY_PROVINCE_CODE),
        province_name=get(session, KEY_PROVINCE_NAME),
        demo=get(session, KEY_DEMO) == "1",
    )


@declares(Changes(commune=True))
def set_commune(session: Session, c: Commune) -> None:
    put(session, KEY_COMMUNE_CODE, nfc(c.code))
    put(session, KEY_COMMUNE_NAME, nfc(c.name))
    put(session, KEY_PROVINCE_CODE, nfc(c.province_code))
    put(session, KEY_PROVINCE_NAME, nfc(c.province_name))
    put(session, KEY_DEMO, "1" if c.demo else "0")


def name_order(session: Session) -> NameOrder:
    try:
        return NameOrder(get(session, KEY_NAME_ORDER, NameOrder.GIVEN.value))
    except ValueError:
        return NameOrder.GIVEN
