"""SQLAlchemy 2 typed models of the province hub. Importing this package registers every table."""

from .base import Base, UTCDateTime
from .devices import Device, EnrolmentCode
from .register import Commune, Target
from .reports import AuditEntry, Batch, ReportValue, ReportVillage

__all__ = [
    "AuditEntry",
    "Base",
    "Batch",
    "Commune",
    "Device",
    "EnrolmentCode",
    "ReportValue",
    "ReportVillage",
    "Target",
    "UTCDateTime",
]
