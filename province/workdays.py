"""The province's reporting rules, set by the admin and audited: the daily cut-off (default 16:30, Vietnam
time) a report must arrive before to be on time, the working days (Monday–Friday, less holidays, plus make-up
working days) on which every commune with a live laptop is expected to report, and the leader named per
commune for the "Chưa báo cáo" list. Kept in the hub database (hub_settings, calendar_days, commune_leaders)
so every hub process reads the same rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from province import admin
from province.models import CalendarDay, CommuneLeader, HubSetting

VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")  # Asia/Ho_Chi_Minh, no DST
CUTOFF_KEY = "report_cutoff"
DEFAULT_CUTOFF = dt.time(16, 30)


@dataclass(frozen=True)
class Rules:
    """The cut-off and the days that depart from Monday–Friday (True: a make-up working day)."""

    cutoff: dt.time = DEFAULT_CUTOFF
    overrides: dict[dt.date, bool] = field(default_factory=dict)

    def working(self, day: dt.date) -> bool:
        return self.overrides.get(day, day.weekday() < 5)

    def deadline(self, day: dt.date) -> dt.datetime:
        """The day's cut-off as an aware UTC moment: an arrival before it is on time."""
        return dt.datetime.combine(day, self.cutoff, VN_TZ).astimezone(dt.UTC)

    def cutoff_text(self) -> str:
        return self.cutoff.strftime("%H:%M:%S" if self.cutoff.second else "%H:%M")


def parse_cutoff(text: str) -> dt.time:
    """'16:30' (or '16:30:05'), Vietnam time."""
    try:
        parts = [int(p) for p in text.strip().split(":")]
        if len(parts) not in (2, 3):
            raise ValueError
        return dt.time(parts[0], parts[1], parts[2] if len(parts) == 3 else 0)
    except (ValueError, TypeError):
        raise admin.AdminError(f"not a time of day HH:MM: {text!r}",
                               vi=f"Giờ chốt phải có dạng GG:PP (ví dụ 16:30): {text!r}.") from None


def cutoff(s: Session) -> dt.time:
    """The daily cut-off alone (the papers print it in their title)."""
    stored = s.get(HubSetting, CUTOFF_KEY)
    return parse_cutoff(stored.value) if stored is not None else DEFAULT_CUTOFF


def load(s: Session, first: dt.date | None = None, last: dt.date | None = None) -> Rules:
    """The rules, with the calendar's departures between `first` and `last` (all when not given)."""
    q = select(CalendarDay.day, CalendarDay.working)
    if first is not None:
        q = q.where(CalendarDay.day >= first)
    if last is not None:
        q = q.where(CalendarDay.day <= last)
    return Rules(cutoff(s), {d: bool(w) for d, w in s.execute(q)})


def set_cutoff(s: Session, text: str, actor: str = "admin") -> dt.time:
    cutoff = parse_cutoff(text)
    row = s.get(HubSetting, CUTOFF_KEY)
    value = cutoff.isoformat()
    if row is None:
        s.add(HubSetting(key=CUTOFF_KEY, value=value))
    else:
        row.value = value
    admin.audit(s, actor, "calendar.cutoff", None, cutoff=value)
    return cutoff


def set_day(s: Session, day: dt.date, working: bool | None, note: str = "", actor: str = "admin") -> None:
    """A holiday (False), a make-up working day (True), or back to the Monday–Friday rule (None)."""
    note = admin.nfc(note)
    if len(note) > 200:
        raise admin.AdminError("note longer than 200 characters", vi="Ghi chú dài quá 200 ký tự.")
    row = s.get(CalendarDay, day)
    if working is None:
        if row is not None:
            s.delete(row)
    elif row is None:
        s.add(CalendarDay(day=day, working=working, note=note))
    else:
        row.working, row.note = working, note
    action = {None: "calendar.clear", True: "calendar.workday", False: "calendar.holiday"}[working]
    admin.audit(s, actor, action, None, day=day, note=note)


def calendar_days(s: Session, year: int | None = None) -> list[CalendarDay]:
    q = select(CalendarDay).order_by(CalendarDay.day)
    if year is not None:
        q = q.where(CalendarDay.day >= dt.date(year, 1, 1), CalendarDay.day <= dt.date(year, 12, 31))
    return list(s.scalars(q))


def set_leader(s: Session, commune: str, name: str | None, actor: str = "admin") -> str:
    """Name (or, with None / "", clear) the leader who answers for a commune's reporting."""
    code = admin.get_commune(s, commune).code
    name = admin.nfc(name or "")
    if len(name) > 200:
        raise admin.AdminError("leader name longer than 200 characters", vi="Tên lãnh đạo dài quá 200 ký tự.")
    row = s.get(CommuneLeader, code)
    if not name:
        if row is not None:
            s.delete(row)
    elif row is None:
        s.add(CommuneLeader(commune_code=code, name=name))
    else:
        row.name = name
    admin.audit(s, actor, "leader.set" if name else "leader.clear", code, name=name)
    return code


def leaders(s: Session) -> dict[str, str]:
    return {code: name for code, name in s.execute(select(CommuneLeader.commune_code, CommuneLeader.name))}
