"""Translated labels shared by several views (event verbs, due kinds, indicator names)."""

from __future__ import annotations

from desktop.ui.support.lang import translator

_ = translator("Labels")

CONFIRM_EVENTS = {"deceased", "moved_away", "ineligible", "rejected"}
MANUAL_HIDDEN = {"scheduled", "rescheduled"}  # need an appointment: done from the schedule view


def event_action(event: str) -> str:
    return {
        "attended": _("Đã đến"),
        "no_show": _("Vắng mặt"),
        "card_captured": _("Thu hồ sơ CCCD"),
        "card_issued": _("Đã có thẻ CCCD"),
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


def due_kind(kind: str) -> str:
    return {
        "first_card": _("Cấp thẻ lần đầu"),
        "renew": _("Đổi thẻ (đến tuổi)"),
        "vneid_register": _("Đăng ký VNeID mức 2"),
        "vneid_activate": _("Kích hoạt VNeID"),
    }.get(kind, kind)


def indicator(key: str, fallback: str = "") -> str:
    """Indicator names come from services.indicators in both languages."""
    from desktop.services import indicators
    from desktop.ui.support import lang

    text = indicators.label(key, lang.current())
    return text if text != key else (fallback or key)
