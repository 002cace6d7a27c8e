"""SQLAlchemy 2 typed models of the commune database. Importing this package registers every table."""

from .base import Base
from .citizen import Citizen
from .event import StatusEvent
from .operator import AuditEntry, Operator
from .peer import (
    PeerAlias,
    PeerChain,
    PeerConflict,
    PeerDevice,
    PeerLog,
    PeerPending,
    PeerQuarantine,
    PeerRow,
    PeerSeen,
    PeerSigner,
)
from .point import Point
from .report import DayReport, OutboxItem, Target, VillageTarget
from .schedule import Appointment, EnrollmentSession
from .setting import Setting

__all__ = [
    "Appointment",
    "AuditEntry",
    "Base",
    "Citizen",
    "DayReport",
    "EnrollmentSession",
    "Operator",
    "OutboxItem",
    "PeerAlias",
    "PeerChain",
    "PeerConflict",
    "PeerDevice",
    "PeerLog",
    "PeerPending",
    "PeerQuarantine",
    "PeerRow",
    "PeerSeen",
    "PeerSigner",
    "Point",
    "Setting",
    "StatusEvent",
    "Target",
    "VillageTarget",
]
