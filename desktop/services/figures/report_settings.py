"""Who the daily report is addressed to: "Kính gửi" and the other units on "Nơi nhận" (Decree 30/2020).

Stored in the commune database's settings (`config.KEY_REPORT_TO`, `config.KEY_REPORT_CC`, one unit per
line). Empty "Kính gửi" means the usual addressees for the unit (`printing.text.report_recipients`: the
commune's Project 06 steering committee and the province police). Changing them is a supervisor's action
(`auth.check_change_settings`), written to the audit trail; `operator=None` is the headless CLI path before any
account exists (after that the CLI names a supervisor with `--by`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from common.vietnamese import nfc
from desktop import config
from desktop.changes import Changes, declares
from desktop.errors import ValidationError
from desktop.models import Operator
from desktop.services import auth
from desktop.settings_keys import KEY_REPORT_CC, KEY_REPORT_TO
from paper.headings import report_recipients

MAX_LINES = 8
MAX_LINE = 200


@dataclass(frozen=True, slots=True)
class ReportRecipients:
    to: tuple[str, ...]  # as stored ('' → the usual ones, see `effective_to`)
    cc: tuple[str, ...]
    default_to: tuple[str, ...]  # the usual addressees for this unit

    @property
    def effective_to(self) -> tuple[str, ...]:
        return self.to or self.default_to


def _lines(field: str, values: list[str] | tuple[str, ...] | str) -> tuple[str, ...]:
    raw = values.splitlines() if isinstance(values, str) else list(values)
    if len(raw) > 4 * MAX_LINES:
        raise ValidationError(field, str(len(raw)), f"Tối đa {MAX_LINES} nơi, mỗi nơi một dòng",
                              en=f"At most {MAX_LINES} recipients, one per line")
    out = []
    for v in raw:
        line = " ".join(nfc(str(v)[: 4 * MAX_LINE]).split()).strip(" -;.")
        if not line:
            continue
        if len(line) > MAX_LINE:
            raise ValidationError(field, line[:40] + "…", f"Mỗi nơi nhận tối đa {MAX_LINE} ký tự",
                                  en=f"Each recipient is at most {MAX_LINE} characters")
        out.append(line)
    if len(out) > MAX_LINES:
        raise ValidationError(field, str(len(out)), f"Tối đa {MAX_LINES} nơi, mỗi nơi một dòng",
                              en=f"At most {MAX_LINES} recipients, one per line")
    return tuple(out)


def _split(stored: str) -> tuple[str, ...]:
    return tuple(line for line in stored.splitlines() if line.strip())


def get_recipients(session: Session) -> ReportRecipients:
    c = config.commune(session)
    default = report_recipients(c.name, c.province_name) if c is not None else ()
    return ReportRecipients(_split(config.get(session, KEY_REPORT_TO)),
                            _split(config.get(session, KEY_REPORT_CC)), default)


@declares(Changes(settings=True))
def set_recipients(
    session: Session,
    to: list[str] | tuple[str, ...] | str | None = None,
    cc: list[str] | tuple[str, ...] | str | None = None,
    *,
    operator: Operator | auth.OperatorInfo | None = None,
) -> ReportRecipients:
    """Store "Kính gửi" (`to`) and/or the other "Nơi nhận" units (`cc`); None leaves one as it is, an empty
    list clears it (back to the usual addressees for `to`)."""
    if not (operator is None and auth.needs_first_operator(session)):
        auth.check_change_settings(operator)
    changed = []
    if to is not None:
        config.put(session, KEY_REPORT_TO, "\n".join(_lines("to", to)))
        changed.append("to")
    if cc is not None:
        config.put(session, KEY_REPORT_CC, "\n".join(_lines("cc", cc)))
        changed.append("cc")
    if changed:
        now = get_recipients(session)
        auth.audit(session, getattr(operator, "id", None), "report_recipients", "setting", None,
                   f"{'+'.join(changed)}: {len(now.to)} kính gửi, {len(now.cc)} nơi nhận")
    return get_recipients(session)
