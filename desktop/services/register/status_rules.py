"""The status rule book, pure: event types, statuses and their labels, and the state a history of events
leads to (`derive_state`, `apply`, `allowed_events`).

No database here (standard library and `desktop.errors` only), so that a command reading the register
without SQLAlchemy (`enrollpoint status`) uses the same rules; `statuses` re-exports all of it and adds
the recording of events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from desktop.errors import ValidationError


class EventType(StrEnum):
    SCHEDULED = "scheduled"
    RESCHEDULED = "rescheduled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    CARD_CAPTURED = "card_captured"  # card dossier captured at the point
    CARD_ISSUED = "card_issued"  # holds a card issued before (known to exist; its date is not the issue date)
    CARD_DELIVERED = "card_delivered"  # the new card handed over: the event's day is the card's issue date
    VNEID_L2_CAPTURED = "vneid_l2_captured"
    VNEID_L2_ELSEWHERE = "vneid_l2_elsewhere"  # level 2 registered at another office: stage 1, counted nowhere
    VNEID_APPROVED = "vneid_approved"
    VNEID_ACTIVATED = "vneid_activated"
    DEFERRED = "deferred"  # working away, ill
    REJECTED = "rejected"  # e.g. phone not in own name
    INELIGIBLE = "ineligible"
    MOVED_AWAY = "moved_away"
    DECEASED = "deceased"
    REINSTATED = "reinstated"  # back from deferred / moved away / ineligible


# A compensating event: it undoes the check-in mark its `undoes_id` names. Not an EventType (no transition):
# the status replay and the indicators skip the undo and the mark it undoes (`live_events`).
UNDO = "undo"


def live_events(events: list[tuple[int, str, int | None]]) -> list[str]:
    """The event types that count for the state, in the given order: (id, type, undoes_id) rows minus the
    undo events and the events they undo."""
    undone = {u for _, _, u in events if u is not None}
    return [t for i, t, _ in events if t != UNDO and i not in undone]


class Status(StrEnum):
    NEW = "new"  # in the register, nothing recorded yet
    SCHEDULED = "scheduled"
    RESCHEDULED = "rescheduled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    CARD_CAPTURED = "card_captured"
    CARD_ISSUED = "card_issued"
    VNEID_L2_CAPTURED = "vneid_l2_captured"
    VNEID_APPROVED = "vneid_approved"
    VNEID_ACTIVATED = "vneid_activated"
    DEFERRED = "deferred"
    REJECTED = "rejected"
    INELIGIBLE = "ineligible"
    MOVED_AWAY = "moved_away"
    DECEASED = "deceased"


TERMINAL = {Status.INELIGIBLE, Status.MOVED_AWAY, Status.DECEASED}

STATUS_LABELS_VI: dict[str, str] = {
    "new": "Chưa xử lý",
    "scheduled": "Đã hẹn",
    "rescheduled": "Hẹn lại",
    "attended": "Đã đến",
    "no_show": "Vắng mặt",
    "card_captured": "Đã thu nhận hồ sơ thẻ căn cước",
    "card_issued": "Đã có thẻ căn cước",
    "card_delivered": "Đã trả thẻ căn cước",
    "vneid_l2_captured": "Đã thu nhận hồ sơ đăng ký tài khoản VNeID mức 2",
    "vneid_l2_elsewhere": "Đã đăng ký tài khoản VNeID mức 2 ở nơi khác",
    "vneid_approved": "Tài khoản VNeID mức 2 đã được duyệt",
    "vneid_activated": "Đã kích hoạt tài khoản VNeID",
    "deferred": "Tạm hoãn",
    "rejected": "Bị từ chối",
    "ineligible": "Không thuộc diện",
    "moved_away": "Đã chuyển đi",
    "deceased": "Đã mất",
    "reinstated": "Khôi phục",
    UNDO: "Hủy thao tác vừa ghi",
}
STATUS_LABELS_EN: dict[str, str] = {
    "new": "Not started",
    "scheduled": "Scheduled",
    "rescheduled": "Rescheduled",
    "attended": "Attended",
    "no_show": "No-show",
    "card_captured": "ID card dossier captured",
    "card_issued": "Has an ID card",
    "card_delivered": "ID card handed over",
    "vneid_l2_captured": "VNeID level-2 registration captured",
    "vneid_l2_elsewhere": "VNeID level 2 registered elsewhere",
    "vneid_approved": "VNeID L2 approved",
    "vneid_activated": "VNeID activated",
    "deferred": "Deferred",
    "rejected": "Rejected",
    "ineligible": "Ineligible",
    "moved_away": "Moved away",
    "deceased": "Deceased",
    "reinstated": "Reinstated",
    UNDO: "Last mark undone",
}


# The VNeID step in words: officers read "mức 2/3" as the identification level, so it is never shown as a number.
VNEID_STAGE_VI: tuple[str, ...] = (
    "Chưa đăng ký tài khoản VNeID mức 2",
    "Đã đăng ký VNeID mức 2, chờ duyệt",
    "Đã duyệt VNeID mức 2, chưa kích hoạt",
    "Đã kích hoạt tài khoản VNeID",
)
VNEID_STAGE_EN: tuple[str, ...] = (
    "No VNeID level-2 account registered",
    "VNeID level 2 registered, awaiting approval",
    "VNeID level 2 approved, not activated",
    "VNeID account activated",
)


def vneid_step(stage: int | None, lang: str = "vi") -> str:
    """The VNeID step of a cached `vneid_stage` (0–3) in words."""
    table = VNEID_STAGE_EN if lang == "en" else VNEID_STAGE_VI
    return table[max(0, min(3, int(stage or 0)))]


@dataclass(frozen=True, slots=True)
class State:
    status: str
    has_card: bool
    vneid_stage: int  # 0 none, 1 dossier captured, 2 approved, 3 activated
    # Holds an appointment not yet attended or missed; known from the appointments, not a cached column,
    # so it does not take part in comparing states.
    booked: bool = field(default=False, compare=False)


def initial_state(card_known: bool = False, vneid_known: int = 0) -> State:
    """Where the events start from: a card and a VNeID stage known from elsewhere (an imported list).

    Known facts are history, not events: no indicator of any day counts them.
    """
    if vneid_known >= 3:
        return State(Status.VNEID_ACTIVATED, True, 3)
    if vneid_known >= 1:
        return State(Status.VNEID_APPROVED, True, 2)
    return State(Status.NEW, card_known, 0)


def apply(state: State, event: str) -> State:
    """The next state after one event, or ValidationError (Vietnamese) when the transition is not allowed."""
    try:
        e = EventType(event)
    except ValueError:
        raise ValidationError("event", event, f"Loại sự kiện '{event}' không tồn tại",
                              en=f"Event kind '{event}' does not exist") from None
    status, has_card, stage = state.status, state.has_card, state.vneid_stage
    if status == Status.DECEASED:
        raise ValidationError("event", event, "Công dân đã mất: không ghi thêm sự kiện",
                              en="The citizen has died: no further events are recorded")
    if status in TERMINAL and e is not EventType.REINSTATED:
        raise ValidationError(
            "event", event, f"Công dân đang ở trạng thái '{STATUS_LABELS_VI[status]}': cần khôi phục trước",
            en=f"The citizen's status is '{STATUS_LABELS_EN[status]}': restore them first",
        )
    if e is EventType.REINSTATED:
        if status not in TERMINAL and status not in (Status.DEFERRED, Status.REJECTED):
            raise ValidationError("event", event, "Chỉ khôi phục công dân đang tạm hoãn, bị từ chối hoặc đã chuyển đi",
                                  en="Only citizens who are postponed, rejected or moved away can be "
                                     "restored")
        return State(Status.NEW, has_card, stage)
    booked = state.booked or status in (Status.SCHEDULED, Status.RESCHEDULED)
    if e is EventType.NO_SHOW and not booked:
        raise ValidationError("event", event, "Chỉ ghi vắng mặt cho người đã có lịch hẹn",
                              en="Absence is recorded only for someone with an appointment")
    if e is EventType.RESCHEDULED and not (booked or status == Status.NO_SHOW):
        raise ValidationError("event", event, "Chỉ hẹn lại người đã có lịch hẹn hoặc vắng mặt",
                              en="Only someone with an appointment or who was absent can be rescheduled")
    _check_vneid(e, event, status, has_card, stage)
    if e in (EventType.CARD_CAPTURED, EventType.CARD_ISSUED, EventType.CARD_DELIVERED, EventType.VNEID_L2_ELSEWHERE):
        has_card = True  # a level-2 account needs a chip card, wherever it was registered
    if e in (EventType.VNEID_L2_CAPTURED, EventType.VNEID_L2_ELSEWHERE):
        stage = max(stage, 1)
    elif e is EventType.VNEID_APPROVED:
        stage = max(stage, 2)
    elif e is EventType.VNEID_ACTIVATED:
        stage = 3
    new_status = Status(_STATUS_AFTER.get(e, e.value))
    # Progress already made is not undone by attendance bookkeeping (nor by news of a card or an account).
    bookkeeping = (EventType.ATTENDED, EventType.SCHEDULED, EventType.RESCHEDULED, EventType.NO_SHOW,
                   EventType.CARD_DELIVERED, EventType.VNEID_L2_ELSEWHERE)
    if e in bookkeeping and _rank(status) > _rank(new_status):
        new_status = Status(status)
    if e in (EventType.SCHEDULED, EventType.RESCHEDULED):
        booked = True
    elif e in (EventType.ATTENDED, EventType.NO_SHOW, EventType.CARD_CAPTURED, EventType.VNEID_L2_CAPTURED):
        booked = False
    return State(new_status, has_card, stage, booked)


def _check_vneid(e: EventType, event: str, status: str, has_card: bool, stage: int) -> None:
    """The VNeID level-2 steps in their order (card first, one registration, approval, activation);
    ValidationError when `e` skips or repeats one."""
    if e is EventType.VNEID_L2_CAPTURED and not has_card:
        raise ValidationError("event", event, "Chưa có thẻ căn cước hoặc hồ sơ thẻ: chưa thể thu nhận VNeID mức 2",
                              en="No ID card or card application yet: VNeID level 2 cannot be enrolled yet")
    if e is EventType.VNEID_L2_CAPTURED and stage >= 2:
        # One account per person: a second registration would be counted again as today's work.
        raise ValidationError("event", event, f"{VNEID_STAGE_VI[stage]}: không thu nhận đăng ký VNeID mức 2 lần nữa",
                              en=f"{VNEID_STAGE_EN[stage]}: VNeID level 2 registration is not taken again")
    if e is EventType.VNEID_L2_CAPTURED and stage == 1 and status != Status.REJECTED:
        raise ValidationError(
            "event", event,
            "Đã đăng ký VNeID mức 2, chờ duyệt: chỉ thu nhận lại khi hồ sơ bị từ chối (ghi 'Bị từ chối' trước)",
            en="VNeID level 2 registered, awaiting approval: enrol again only when the application was "
               "rejected (record 'Rejected' first)",
        )
    if e is EventType.VNEID_L2_ELSEWHERE and stage >= 1:
        raise ValidationError("event", event, f"{VNEID_STAGE_VI[stage]}: không cần ghi đăng ký ở nơi khác",
                              en=f"{VNEID_STAGE_EN[stage]}: no need to record a registration elsewhere")
    if e is EventType.VNEID_APPROVED and stage < 1:
        raise ValidationError("event", event, "Chưa thu nhận hồ sơ VNeID mức 2: chưa thể duyệt",
                              en="No VNeID level 2 application taken yet: it cannot be approved")
    if e is EventType.VNEID_ACTIVATED and stage < 1:
        raise ValidationError("event", event, "Chưa đăng ký VNeID mức 2: chưa thể kích hoạt",
                              en="Not registered for VNeID level 2 yet: it cannot be activated")
    if e is EventType.VNEID_ACTIVATED and stage >= 3:
        raise ValidationError("event", event, "Tài khoản VNeID đã được kích hoạt",
                              en="The VNeID account is already activated")


# Events whose status has another name (the rest: the status of the same name).
_STATUS_AFTER: dict[EventType, str] = {
    EventType.CARD_DELIVERED: Status.CARD_ISSUED.value,
    EventType.VNEID_L2_ELSEWHERE: Status.VNEID_L2_CAPTURED.value,
}

_PROGRESS = [
    Status.NEW, Status.SCHEDULED, Status.RESCHEDULED, Status.NO_SHOW, Status.ATTENDED, Status.CARD_CAPTURED,
    Status.CARD_ISSUED, Status.VNEID_L2_CAPTURED, Status.VNEID_APPROVED, Status.VNEID_ACTIVATED,
]


def _rank(status: str) -> int:
    try:
        return _PROGRESS.index(Status(status))
    except ValueError:
        return -1


def derive_state(events: list[str], card_known: bool = False, vneid_known: int = 0) -> State:
    """Replay events in order; the state is a pure function of the event history."""
    state = initial_state(card_known, vneid_known)
    for e in events:
        state = apply(state, e)
    return state


def allowed_events(state: State) -> list[str]:
    """Events that may follow now (the UI's next actions)."""
    out = []
    for e in EventType:
        try:
            apply(state, e)
        except ValidationError:
            continue
        out.append(e.value)
    return out


def citizen_not_found(id_number: str) -> ValidationError:
    """The error for an ID number the register does not have."""
    return ValidationError("id_number", id_number, f"Không tìm thấy công dân có số định danh {id_number}",
                           en=f"No citizen with ID number {id_number}")
