"""SQLAlchemy 2 typed models of the province hub. Importing this package registers every table."""

from .auth import HubSession, HubSetting, HubUser, LoginLink
from .base import Base, UTCDateTime
from .devices import Device, EnrolmentCode
from .register import Commune, Target
from .reports import AuditEntry, Batch, CommuneFreshness, CommuneTotal, ReportValue, ReportVillage

__all__ = [
    "AuditEntry",
    "Base",
    "Batch",
    "Commune",
    "CommuneFreshness",
    "CommuneTotal",
    "Device",
    "EnrolmentCode",
    "HubSession",
    "HubSetting",
    "HubUser",
    "LoginLink",
    "ReportValue",
    "ReportVillage",
    "Target",
    "UTCDateTime",
]
