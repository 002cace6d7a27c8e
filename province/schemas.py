"""Pydantic models of the HTTP API (the OpenAPI page shows them); they mirror sync.protocol."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ErrorOut(BaseModel):
    detail: str = Field(description="One-line reason")
    field: str | None = Field(default=None, description="The offending field, for schema errors")


class EnrolIn(BaseModel):
    code: str = Field(min_length=1, max_length=64, description="One-time enrolment code from the province")
    device_name: str = Field(min_length=1, max_length=200)
    public_key: str = Field(min_length=1, max_length=100, description="base64 raw Ed25519 public key (32 bytes)")
    # Re-enrolment (optional; older laptops omit both, and unknown fields are ignored, so old and new laptops
    # and hubs mix): keep the device id this laptop already has instead of becoming a new device.
    previous_device_id: str | None = Field(
        default=None, min_length=1, max_length=32, pattern=r"^[0-9A-Za-z_.\-]+$",
        description="The device id this laptop had; with previous_proof the hub re-keys that device")
    previous_proof: str | None = Field(
        default=None, min_length=1, max_length=100, pattern=r"^[A-Za-z0-9+/=]+$",
        description="base64 Ed25519 signature with the device's previous private key over "
        "sync.signing.reenrol_message(previous_device_id, public_key, commune, SHA-256 of the code)")
    # Enrolment protocol 2 (a dead laptop's successor; docs/sync.md): older laptops omit both.
    enrol_protocol: int = Field(default=1, ge=1, le=1000, description="The laptop's enrolment protocol; a "
                                "replacement code needs ≥ 2")
    restored_from: str | None = Field(
        default=None, min_length=1, max_length=32, pattern=r"^[0-9A-Za-z_.\-]+$",
        description="The device id whose backup this laptop's database was restored from (a new device saying so "
        "is held for the admin; a replacement code must name that device)")


class EnrolOut(BaseModel):
    device_id: str
    token: str = Field(description="Bearer token; shown once, the hub stores only its SHA-256")
    commune_code: str
    commune_name: str
    province_code: str
    token_expires_at: str
    hub_public_key: str = Field(default="", description="The hub's Ed25519 public key (base64); the laptop "
                                "pins it to check receipts, targets files and other signed files")
    hub_key_binding: str = Field(default="", description="Enrolment contract 2: base64 HMAC-SHA256 binding "
                                 "hub_public_key to the one-time code, the device and the commune "
                                 "(sync.hubkey.binding); the laptop checks it before pinning the key")
    enrol_contract: int = Field(default=2, description="2: hub_key_binding is present (sync.hubkey)")
    enrol_protocol: int = Field(default=2, description="The hub's enrolment protocol (sync.protocol.ENROL_PROTOCOL)")
    successor_of: str = Field(default="", description="A replacement code: the device this laptop succeeds (its id)")
    replaced_name: str = Field(default="", description="The replaced laptop's name")
    predecessor_reports: list[dict[str, Any]] = Field(
        default_factory=list, description="A successor: the device's latest report per (day, point) held by the hub "
        "(point_code, day, revision, content_hash, closed_at, totals, by_village)")
    held: str = Field(default="", description="Why the hub holds this new device for the admin ('' = not held)")


class OutcomeOut(BaseModel):
    point_code: str
    day: str
    revision: int
    outcome: str = Field(description="imported / updated / ignored / conflict")
    reason: str = ""


class SummaryOut(BaseModel):
    batch_id: str
    imported: int
    updated: int
    ignored: int
    conflicts: list[OutcomeOut]
    results: list[OutcomeOut]
    received_at: str
    replayed: bool = Field(description="True when this is the stored summary of an earlier delivery")


class TargetOut(BaseModel):
    indicator: str
    value: int
    deadline: str | None = None


class TargetsOut(BaseModel):
    commune_code: str
    commune_name: str
    targets: list[TargetOut]
    hub_public_key: str = ""


class HelloOut(BaseModel):
    service: str
    protocol: int
    key_fingerprint: str


class HealthOut(BaseModel):
    status: str
    protocol: int
    database: str
    time: str


class BundleOut(BaseModel):
    device_id: str
    commune_code: str
    batches: list[SummaryOut]
