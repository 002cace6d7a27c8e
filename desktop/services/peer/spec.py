"""What is shared between laptops, per kind of record: its table, the fields that travel, and which fields
name another shared record (sent as that record's gid, never as a local row id).

Derived columns (name keys, sort keys, search text, village key) are recomputed on arrival; the cached
state (status, has_card, vneid_stage) is recomputed from the events; local-only columns (operator ids,
possible duplicates) never travel.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entity:
    name: str
    table: str
    fields: tuple[str, ...]  # shared fields (refs included)
    required: tuple[str, ...]  # what a row needs before it can exist here
    refs: dict[str, str] = field(default_factory=dict)  # field → entity it names
    mutable: bool = True


POINT = Entity("point", "points", ("code", "name", "address", "kind", "active"), ("code", "name"))
CITIZEN = Entity(
    "citizen", "citizens",
    ("id_number", "old_cmnd", "full_name_raw", "full_name", "birth_date", "birth_year", "sex", "village",
     "address", "phone", "needs_home_visit", "elderly", "disabled", "card_issued_on", "card_known",
     "vneid_known", "note", "created_at"),
    ("full_name", "created_at"),
)
SESSION = Entity(
    "session", "enrollment_sessions",
    ("point_id", "day", "start_time", "end_time", "slot_minutes", "kits", "minutes_per_person", "state", "note",
     "created_at"),
    ("point_id", "day", "start_time", "end_time", "created_at"),
    {"point_id": "point"},
)
APPOINTMENT = Entity(
    "appointment", "appointments",
    ("code", "citizen_id", "session_id", "slot_start", "purpose", "state", "rescheduled_from_id", "created_at"),
    ("code", "citizen_id", "session_id", "slot_start", "created_at"),
    {"citizen_id": "citizen", "session_id": "session", "rescheduled_from_id": "appointment"},
)
EVENT = Entity(
    "event", "status_events",
    ("citizen_id", "event_type", "occurred_at", "occurred_on", "point_id", "appointment_id", "note", "recorded_at",
     "undoes_id"),
    ("citizen_id", "event_type", "occurred_at", "occurred_on", "recorded_at"),
    {"citizen_id": "citizen", "point_id": "point", "appointment_id": "appointment", "undoes_id": "event"},
    mutable=False,
)

# Dependency order: a record is stamped after the records it names.
ENTITIES: tuple[Entity, ...] = (POINT, CITIZEN, SESSION, APPOINTMENT, EVENT)
BY_NAME = {e.name: e for e in ENTITIES}
# Fields whose change needs the citizen's derived columns recomputed.
CITIZEN_KEYED = ("full_name", "village", "id_number", "old_cmnd", "phone")

# Fields two laptops may write differently without anyone having disagreed: when a record was made (two
# laptops importing one list each made it), and the raw spelling kept beside the name (the name is compared).
NOT_CONFLICTS = frozenset({"created_at", "full_name_raw"})
ENTITY_WORDS = {"point": "Điểm thu nhận", "citizen": "Công dân", "session": "Buổi thu nhận",
                "appointment": "Lịch hẹn"}
FIELD_WORDS = {"full_name": "họ tên", "id_number": "số định danh", "old_cmnd": "số CMND cũ", "birth_date": "ngày sinh",
               "birth_year": "năm sinh", "sex": "giới tính", "village": "thôn", "address": "địa chỉ",
               "phone": "số điện thoại", "note": "ghi chú", "name": "tên", "state": "trạng thái",
               "slot_start": "giờ hẹn", "day": "ngày", "start_time": "giờ bắt đầu", "end_time": "giờ kết thúc"}
