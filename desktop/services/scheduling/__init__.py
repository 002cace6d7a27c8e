"""Scheduling: `enrollment_sessions` (sessions, slots, capacity), `booking` (book, move, cancel, reschedule
no-shows, a session's list, find by slip code), `auto_assign` (fill a session from the due list), `codes`
(appointment codes on slips), `checkin` (arrivals, captures and walk-ins at the point) and `undo` (undo of
the last check-in mark, by a compensating event).

Callers use this package's names (`scheduling.book(...)`); the modules above are where each one lives.
"""

from desktop.services.scheduling.auto_assign import AssignResult, auto_assign, purpose_of_kinds
from desktop.services.scheduling.booking import (
    AppointmentRow,
    appointments_for,
    book,
    cancel_appointment,
    default_purpose,
    find_by_code,
    move_appointment,
    new_appointment,
    new_appointment_code,
    reschedule_no_shows,
    slot_end,
    slot_ends,
)
from desktop.services.scheduling.codes import code_candidates, display, is_code, normalise_code
from desktop.services.scheduling.enrollment_sessions import (
    ENROLLMENT_SESSION_STATES,
    MAX_KITS,
    OCCUPYING,
    PURPOSE_LABELS_VI,
    PURPOSES,
    EnrollmentSessionSummary,
    SlotInfo,
    check_bookable,
    create_enrollment_session,
    enrollment_session_summary,
    get_enrollment_session,
    list_enrollment_sessions,
    parse_time,
    set_enrollment_session_state,
    slot_for,
    slots,
)

__all__ = [
    "ENROLLMENT_SESSION_STATES", "MAX_KITS", "OCCUPYING", "PURPOSES", "PURPOSE_LABELS_VI", "AppointmentRow",
    "AssignResult", "EnrollmentSessionSummary", "SlotInfo", "appointments_for", "auto_assign", "book",
    "cancel_appointment", "check_bookable", "code_candidates", "create_enrollment_session", "default_purpose",
    "display", "enrollment_session_summary", "find_by_code", "get_enrollment_session", "is_code",
    "list_enrollment_sessions", "move_appointment", "new_appointment", "new_appointment_code", "normalise_code",
    "parse_time", "purpose_of_kinds", "reschedule_no_shows", "set_enrollment_session_state", "slot_end",
    "slot_ends", "slot_for", "slots",
]
