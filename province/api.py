"""HTTP API (prefix /api/v1): device enrolment, batch intake, targets, health.

The batch endpoint streams the gzip body with a hard cap, authenticates before decompressing, verifies
the Ed25519 signature over the uncompressed canonical body, validates the schema, then hands the batch to
province.intake. Every refusal happens before anything is written.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import text

from province import admin, held, logs, offline, replacement, target_sets
from province.db import HubDB
from province.deps import CurrentDevice
from province.errors import HubRefusal, NotAllowed, TooBusy
from province.inflight import BatchSlots
from province.intake import IntakeRefused, Sender, intake
from province.models import Device
from province.schemas import (
    EnrolIn,
    EnrolOut,
    ErrorOut,
    HealthOut,
    HelloOut,
    SummaryOut,
    TargetOut,
    TargetsOut,
)
from sync import hubkey, protocol, signing
from sync import offline as files

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1")


def get_db(request: Request) -> HubDB:
    return request.app.state.db


def _too_large() -> IntakeRefused:
    return IntakeRefused(413, f"body larger than {protocol.MAX_WIRE_BYTES} bytes", "body")


def _held(db: HubDB, device: Device, batch: protocol.Batch) -> str | None:
    """Words when the device is held for the admin (province/held.py); a new hold is committed first."""
    with db.session(write=True) as s:
        dev = s.get(Device, device.id)
        return None if dev is None else held.check_batch(s, dev, batch)


def _responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    text_of = {
        400: "Undecodable body (not gzip / not JSON)",
        401: "Unknown, expired or revoked token; or the device header does not match it",
        403: "Bad signature, unknown/used/expired code, or a report for another commune",
        409: "Same batch id already received with different content; nothing stored",
        413: "Body too large (compressed or once decompressed)",
        422: "Schema violation; `field` names it",
        429: "Too many requests from this address, or too many batches in flight (Retry-After says when)",
    }
    return {c: {"model": ErrorOut, "description": text_of[c]} for c in codes}


@router.get("/hello", response_model=HelloOut, summary="Who answers here: the laptops' probe (no database work)")
async def hello(request: Request) -> Any:
    """The laptops probe this every 15–30 s while their link is away (sync.link_policy): the answer proves the
    hub itself answered (not a captive portal's HTML) and costs no database work (computed at start-up)."""
    return JSONResponse(request.app.state.hello, headers={"Cache-Control": "no-store"})


@router.get("/health", response_model=HealthOut, summary="Liveness and database check")
def health(db: Annotated[HubDB, Depends(get_db)]) -> HealthOut:
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return HealthOut(status="ok", protocol=protocol.PROTOCOL_VERSION, database=db.engine.dialect.name,
                     time=protocol.iso(protocol.utc_now()))


@router.post(
    "/enrol",
    response_model=EnrolOut,
    summary="Enrol a laptop with a one-time code",
    description="Spends the code (single use, expires), stores the device's public key and returns a bearer "
    "token. The hub keeps only the token's SHA-256. A laptop that was enrolled before sends `previous_device_id` "
    "and `previous_proof` (signed with its previous key): the code is then spent for that device, which keeps "
    "its id (its reports are not counted twice) and gets the new key and token. A refused re-enrolment stores "
    "nothing and does not spend the code: 404 `previous_device_id` (not a device of this hub), 403 `commune` "
    "(the code is for another commune), 403 `previous_proof` (does not verify).",
    responses={**_responses(403, 413), 404: {"model": ErrorOut, "description": "Re-enrolment: previous_device_id "
                                             "is not a device of this hub (the code is not spent)"},
               422: {"model": ErrorOut, "description": "Malformed public key or body "
                     "(the submitted values are never echoed)"}},
)
def enrol(body: EnrolIn, db: Annotated[HubDB, Depends(get_db)]) -> Any:
    if not signing.valid_public_key(body.public_key):
        raise admin.EnrolRefused("public_key must be base64 of a raw 32-byte Ed25519 key", 422, "public_key")
    with db.session(write=True) as s:
        done = replacement.enrol(s, body.code, body.device_name, body.public_key, body.previous_device_id,
                                 body.previous_proof, restored_from=body.restored_from,
                                 enrol_protocol=body.enrol_protocol)
        hub_key = offline.ensure_hub_key(s)[1]
        out = EnrolOut(device_id=done.device.id, token=done.token, commune_code=done.commune.code,
                       commune_name=done.commune.name, province_code=done.commune.province_code,
                       token_expires_at=protocol.iso(done.device.token_expires_at),
                       hub_public_key=hub_key,
                       hub_key_binding=hubkey.binding(files.code_hash(body.code), hub_key, done.device.id,
                                                      done.commune.code, body.public_key),
                       enrol_contract=hubkey.ENROL_CONTRACT,
                       successor_of=done.successor_of, replaced_name=done.replaced_name,
                       predecessor_reports=done.predecessor_reports, held=done.device.held_reason)
    log.info("device %s %s for commune %s", out.device_id, "re-enrolled" if done.reenrolled else "enrolled",
             out.commune_code)
    return out


async def read_capped(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it exceeds `limit` (never buffers more than limit + one chunk)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def verify_and_decode(body_wire: bytes, signature: str | None, device: Device) -> tuple[protocol.Batch, str]:
    """gunzip (bounded) → signature → schema. Raises IntakeRefused with the contract's status."""
    try:
        body = protocol.gunzip_body(body_wire)  # streamed, capped at MAX_BODY_BYTES
    except protocol.ProtocolError as exc:
        raise IntakeRefused(exc.status, str(exc), "body") from None
    if not signature or len(signature) > 200 or not signing.verify(device.public_key, body, signature):
        raise IntakeRefused(403, "signature does not verify with the device's key", protocol.HEADER_SIGNATURE)
    try:
        batch = protocol.decode_batch(body)  # JSON shape scanned before json.loads; dates range-checked
    except protocol.ProtocolError as exc:
        raise IntakeRefused(exc.status, str(exc), exc.field) from None
    return batch, protocol.body_hash(body)


@router.post(
    "/batches",
    response_model=SummaryOut,
    summary="Deliver a signed batch of day reports (exactly once per batch id)",
    description="Body: gzip of the canonical batch JSON. Headers: `Authorization: Bearer <token>`, "
    f"`{protocol.HEADER_DEVICE}`, `{protocol.HEADER_SIGNATURE}` (base64 Ed25519 over the uncompressed body), "
    "`Content-Encoding: gzip`. A second delivery of the same batch returns the stored summary "
    "(`replayed: true`).",
    responses=_responses(400, 401, 403, 409, 413, 422, 429),
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": {"type": "string", "format": "binary"}}}}},
)
async def post_batch(
    request: Request,
    device: CurrentDevice,
    x_enrollpoint_device: Annotated[str | None, Header(alias=protocol.HEADER_DEVICE)] = None,
    x_enrollpoint_signature: Annotated[str | None, Header(alias=protocol.HEADER_SIGNATURE)] = None,
) -> Any:
    slots: BatchSlots = request.app.state.batch_slots
    if not slots.take():  # a returning link floods: answer at once, cheaply, and say when to come back
        raise TooBusy(slots.retry_after)
    try:
        return await _post_batch(request, device, x_enrollpoint_device, x_enrollpoint_signature)
    finally:
        slots.give()


async def _post_batch(request: Request, device: Device, x_enrollpoint_device: str | None,
                      x_enrollpoint_signature: str | None) -> Any:
    db: HubDB = request.app.state.db
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            too_large = int(declared) > protocol.MAX_WIRE_BYTES
        except ValueError:
            raise IntakeRefused(400, "bad Content-Length", "body") from None
        if too_large:
            raise _too_large()
    if x_enrollpoint_device != device.id:
        raise IntakeRefused(401, f"{protocol.HEADER_DEVICE} does not match the token's device", protocol.HEADER_DEVICE)
    wire = await read_capped(request, protocol.MAX_WIRE_BYTES)
    if wire is None:
        raise _too_large()
    try:
        batch, bhash = await run_in_threadpool(verify_and_decode, wire, x_enrollpoint_signature, device)
        if words := await run_in_threadpool(_held, db, device, batch):
            raise NotAllowed(words, vi=words, field="held")  # the laptop shows `detail` as it is
        summary = await run_in_threadpool(intake, db, batch, bhash, Sender(device.id, device.commune_code), "http")
    except HubRefusal as exc:  # logged here (the device is known), answered by the one handler
        log.info("batch refused (%s) from device %s (commune %s): %s", exc.status, device.id, device.commune_code,
                 exc.words("en")[:300])
        raise
    logs.batch_outcome(log, summary, device.id, device.commune_code, "http")
    return JSONResponse(summary)


@router.get(
    "/targets",
    response_model=TargetsOut,
    summary="The province's targets for the token's commune",
    responses=_responses(401),
)
def get_targets(
    db: Annotated[HubDB, Depends(get_db)],
    device: CurrentDevice,
) -> Any:
    with db.session() as s:
        commune = admin.get_commune(s, device.commune_code)
        rows = target_sets.for_laptop(s, commune.code, target_sets.vn_today())  # one per indicator: the nearest open deadline
        return TargetsOut(
            commune_code=commune.code, commune_name=commune.name,
            targets=[TargetOut(indicator=ind, value=value, deadline=deadline.isoformat() if deadline else None)
                     for ind, value, deadline in rows],
            hub_public_key=offline.hub_public_key(s),
        )
