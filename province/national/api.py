"""The national hub's routes: a province hub enrols (POST /api/v1/national/enrol) and sends its roll-up
batches (POST /api/v1/national/batches). Bodies are read with a size cap and a JSON shape scan before
anything else; a province hub answers these paths 403 (province.national.role)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from province.db import HubDB
from province.national import intake, rollup
from province.national.rollup import RollupRefused
from sync import limits
from sync.protocol import ProtocolError, loads_bounded

router = APIRouter(prefix="/api/v1/national", tags=["national"])
MAX_ENROL = 4096
# a format-2 row with every indicator and its completeness is ~45 structural items; the targets ~4 per value
_SHAPE = {"max_depth": limits.MAX_JSON_DEPTH, "max_items": 96 * rollup.MAX_ROWS + 4 * rollup.MAX_TARGETS + 64,
          "max_string": 4096}


async def _body(request: Request, cap: int) -> Any:
    return (await _raw_body(request, cap))[1]


async def _raw_body(request: Request, cap: int) -> tuple[bytes, Any]:
    """(the bytes as received, their JSON), read with a size cap and a shape scan first."""
    size = 0
    chunks: list[bytes] = []
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise RollupRefused(f"body larger than {cap} bytes", vi=f"Dữ liệu gửi lên quá {cap} byte.", status=413)
        chunks.append(chunk)
    raw = b"".join(chunks)
    try:
        return raw, loads_bounded(raw, "body", **_SHAPE)
    except ProtocolError as exc:
        raise RollupRefused(str(exc), vi="Dữ liệu gửi lên không phải JSON hợp lệ.", status=400) from None


@router.post("/enrol", summary="A province hub enrols with a one-time code (national hub only)")
async def enrol(request: Request) -> dict[str, Any]:
    body = await _body(request, MAX_ENROL)
    db: HubDB = request.app.state.db

    def work() -> dict[str, Any]:
        with db.session(write=True) as s:
            return intake.enrol(s, body)

    return await run_in_threadpool(work)


@router.post("/batches", summary="A province hub's signed roll-up batch (national hub only)")
async def batches(request: Request) -> dict[str, Any]:
    raw, wire = await _raw_body(request, rollup.MAX_WIRE)
    db: HubDB = request.app.state.db

    def work() -> dict[str, Any]:
        with db.session(write=True) as s:
            return intake.take_batch(s, wire, raw)

    return await run_in_threadpool(work)
