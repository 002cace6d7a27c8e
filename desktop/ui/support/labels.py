"""Translated labels shared by several views (event verbs, due kinds, indicator names)."""

from __future__ import annotations

from desktop.ui.support.lang import translator
from sync.protocol import COMMUNE_POINT_CODE

_ = translator("Labels")

CONFIRM_EVENTS = {"deceased", "moved_away", "ineligible", "rejected"}
MANUAL_HIDDEN = {"scheduled", "rescheduled"}  # need an appointment: done from the schedule view


def event_action(event: str) -> str:
    return {
        "attended": _("Đã đến"),
        "no_show": _("Vắng mặt"),
        "card_captured": _("Thu hồ sơ thẻ căn cước"),
        "card_issued": _("Đã có thẻ căn cước"),
        "card_delivered": _("Đã trả thẻ căn cước"),
        "vneid_l2_elsewhere": _("Đã đăng ký VNeID mức 2 ở nơi khác"),
        "vneid_l2_captured": _("Thu hồ sơ VNeID mức 2"),
        "vneid_approved": _("VNeID đã duyệt"),
        "vneid_activated": _("Đã kích hoạt VNeID"),
        "deferred": _("Tạm hoãn"),
        "rejected": _("Từ chối"),
        "ineligible": _("Không thuộc diện"),
        "moved_away": _("Đã chuyển đi"),
        "deceased": _("Đã mất"),
        "reinstated": _("Khôi phục"),
        "scheduled": _("Đã hẹn"),
        "rescheduled": _("Hẹn lại"),
    }.get(event, event)


def report_point(code: str) -> str:
    """A closed report's point: the commune's events without a point are "Không theo điểm"."""
    return _("Không theo điểm") if code == COMMUNE_POINT_CODE else code


def due_kind(kind: str) -> str:
    return {
        "first_card": _("Cấp thẻ lần đầu"),
        "renew": _("Đổi thẻ (đến tuổi)"),
        "vneid_register": _("Đăng ký VNeID mức 2"),
        "vneid_activate": _("Kích hoạt VNeID"),
    }.get(kind, kind)


def indicator(key: str, fallback: str = "") -> str:
    """Indicator names come from services.indicators in both languages."""
    from desktop.services.figures import indicators
    from desktop.ui.support import lang

    text = indicators.label(key, lang.current())
    return text if text != key else (fallback or key)
