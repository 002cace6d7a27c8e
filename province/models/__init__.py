"""SQLAlchemy 2 typed models of the province hub. Importing this package registers every table."""

from .auth import HubSession, HubSetting, HubUser, LoginLink
from .base import Base, UTCDateTime
from .devices import Device, DevicePreviousKey, DeviceSuccession, EnrolmentCode
from .offline import BundleReceipt, PhoneReport
from .rankings import CommuneGroup, PublishedRank
from .register import Commune, Target, TargetSet, TargetSetValue
from .reports import (
    AuditEntry,
    Batch,
    CommuneFreshness,
    CommuneTotal,
    DeviceFreshness,
    ReportVillage,
)
from .rollups import CommuneDay, CommuneMonth, DayCounter, DeviceMonth, IntakeCounter
from .steering import Arrival, CalendarDay, CommuneLeader
from .throttle import LoginThrottle

__all__ = [
    "Arrival",
    "CalendarDay",
    "CommuneLeader",
    "AuditEntry",
    "Base",
    "Batch",
    "BundleReceipt",
    "Commune",
    "CommuneDay",
    "CommuneFreshness",
    "CommuneMonth",
    "CommuneGroup",
    "CommuneTotal",
    "Device",
    "DayCounter",
    "DevicePreviousKey",
    "DeviceFreshness",
    "DeviceMonth",
    "DeviceSuccession",
    "EnrolmentCode",
    "HubSession",
    "HubSetting",
    "HubUser",
    "IntakeCounter",
    "LoginLink",
    "LoginThrottle",
    "PhoneReport",
    "PublishedRank",
    "ReportVillage",
    "Target",
    "TargetSet",
    "TargetSetValue",
    "UTCDateTime",
]

from province.national import models as _national  # noqa: E402,F401  (registers the national tables)
