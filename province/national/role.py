"""Which hub takes which requests. A commune must reach the national figures once: through its province hub.
So a national hub refuses laptops (enrolment, batches, bundles) and a province hub refuses roll-ups.

`install(app, role)` adds one app-wide dependency before the routers are included; it raises a HubRefusal
(403, with words), so the answer is made where every refusal's is (province.refusals).
"""

from __future__ import annotations

from typing import Literal

from fastapi import Depends, FastAPI, Request

from province.errors import HubRefusal

Role = Literal["province", "national"]
LAPTOP_PATHS = ("/api/v1/enrol", "/api/v1/batches", "/api/v1/devices", "/dashboard/upload-bundle")
NATIONAL_PATHS = ("/api/v1/national/",)


class WrongHub(HubRefusal):
    status = 403
    title = "Sai cấp máy chủ"


def laptops_refused() -> WrongHub:
    return WrongHub("this is a national hub: laptops report to their province hub, not here",
                    vi="Đây là máy chủ toàn quốc: máy xã gửi báo cáo về máy chủ tỉnh, không gửi về đây.")


def rollups_refused() -> WrongHub:
    return WrongHub("this is a province hub: province roll-ups go to the national hub (ENROLLPOINT_HUB_ROLE=national)",
                    vi="Đây là máy chủ tỉnh: số liệu tỉnh gửi lên máy chủ toàn quốc, không gửi về đây.")


def check(role: str, path: str) -> None:
    """Refuse a request this role does not take (pure; the dependency below and the tests call it)."""
    if role == "national" and path.startswith(LAPTOP_PATHS):
        raise laptops_refused()
    if role != "national" and path.startswith(NATIONAL_PATHS):
        raise rollups_refused()


def install(app: FastAPI, role: str) -> None:
    app.state.hub_role = role

    def _gate(request: Request) -> None:
        check(role, request.url.path)

    app.router.dependencies.append(Depends(_gate))
