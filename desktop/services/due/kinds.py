"""The four kinds of due work and what goes with each: labels, bit order, the province target that sets the
deadline. No imports beyond the standard library, so the CLI can offer `--kind` choices without loading
the database layer; the rules themselves are in `due`.
"""

from __future__ import annotations

from enum import StrEnum


class DueKind(StrEnum):
    FIRST_CARD = "first_card"
    RENEW = "renew"
    VNEID_REGISTER = "vneid_register"
    VNEID_ACTIVATE = "vneid_activate"


DUE_LABELS_VI = {
    DueKind.FIRST_CARD: "Cấp thẻ lần đầu",
    DueKind.RENEW: "Cấp đổi thẻ",
    DueKind.VNEID_REGISTER: "Đăng ký VNeID mức 2",
    DueKind.VNEID_ACTIVATE: "Kích hoạt VNeID",
}
# The kinds in a fixed order: bit i of `due_mask_sql` is DUE_KINDS[i].
DUE_KINDS: tuple[DueKind, ...] = tuple(DueKind)
# Which target's deadline applies to which kind of work (targets come from the province).
TARGET_FOR = {
    DueKind.FIRST_CARD: "card_captured",
    DueKind.RENEW: "card_captured",
    DueKind.VNEID_REGISTER: "vneid_l2_captured",
    DueKind.VNEID_ACTIVATE: "vneid_activated",
}
