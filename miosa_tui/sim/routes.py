"""HTTP handlers for /api/v1 (the MIOSA wire format, reference §2-4) and /_sim (test control).

Response shapes follow the reference's "accepted by every SDK" advice: single objects bare plus a
`data` copy, lists as {"data", "meta", "total"}, actions as the computer plus "success": true,
DELETE with a JSON body, errors flat {"error", "code", "message"}.
"""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from miosa_tui.sim.catalog import APP_TITLES, RUNNING, TRANSITIONAL
from miosa_tui.sim.computer import SimComputer
from miosa_tui.sim.errors import SimError
from miosa_tui.sim.faults import FaultConfigError
from miosa_tui.sim.state import SimState
from miosa_tui.sim.validation import SURROGATE, bad_text_error, find_bad_text

API_PREFIX = "/api/v1"
STREAM_TOKEN_TTL = 300
REGION_FIELDS = ("x", "y", "width", "height")


def error_body(code: str, message: str, fields: Mapping[str, str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": message, "code": code, "message": message}
    if fields:
        body["errors"] = {name: [text] for name, text in fields.items()}
    return body


def error_response(err: SimError) -> JSONResponse:
    return JSONResponse(error_body(err.code, err.message, err.fields), status_code=err.status)


def _sim(request: Request) -> SimState:
    state: SimState = request.app.sim
    return state


def _object(data: dict[str, Any], status: int = 200, **extra: Any) -> JSONResponse:
    """Bare object plus a `data` copy of itself (satisfies G, T, P and E at once)."""
    return JSONResponse({**data, **extra, "data": data}, status_code=status)


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise SimError(400, "INVALID_JSON", "request body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise SimError(422, "VALIDATION_FAILED", "request body must be a JSON object")
    # A JSON escape can carry a lone surrogate ("\udc9b"): such text is not valid UTF-8, and once
    # stored every answer that shows it would fail to encode. Refused wherever it is; `name` is
    # left to the name rule (sim/validation.parse_name), so it reads as the dashboard's sentence.
    found = find_bad_text({k: v for k, v in body.items() if k != "name"}, "", SURROGATE)
    if found is not None:
        raise bad_text_error(*found)
    return body


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SimError(
            422,
            "VALIDATION_FAILED",
            f"{name} must be a whole number",
            {name: "must be a whole number"},
        ) from exc


# ---- /api/v1/computers -------------------------------------------------------------------


async def list_computers(request: Request) -> Response:
    """Pages when asked (`page`, `per_page` or C's `limit`); without them, every computer.

    The official Python SDK sends no paging parameters and documents its call as "List all
    computers", reading `computers` (the platform shape, `{"total": N, "computers": [...]}`)
    or `data`: a default page would silently hide the rest of the fleet from it. So an unpaged
    answer carries the whole list under both keys, plus `total` and `meta` (one page of all).
    """
    sim = _sim(request)
    params = request.query_params
    raw_status = params.get("status") or params.get("state")
    statuses = None
    if raw_status:
        statuses = frozenset(s.strip().lower() for s in raw_status.split(",") if s.strip())
    if not any(params.get(name) for name in ("page", "per_page", "limit")):
        everything = [sim.computer_json(c) for c in sim.fleet.matching(statuses)]
        total = len(everything)
        return JSONResponse(
            {
                "data": everything,
                "computers": everything,
                "meta": {"total": total, "page": 1, "per_page": total},
                "total": total,
            }
        )
    page = max(1, _int_param(request, "page", 1))
    default_size = 20
    per_page = _int_param(request, "per_page", _int_param(request, "limit", default_size))
    per_page = min(max(1, per_page), sim.config.max_page_size)
    items, total = sim.fleet.page(page, per_page, statuses)
    return JSONResponse(
        {
            "data": [sim.computer_json(c) for c in items],
            "meta": {"total": total, "page": page, "per_page": per_page},
            "total": total,
        }
    )


async def create_computer(request: Request) -> Response:
    sim = _sim(request)
    computer = sim.fleet.create(await json_body(request))
    data = sim.computer_json(computer)
    data["viewer_password"] = computer.vnc_password
    return _object(data, status=201)


async def get_computer(request: Request) -> Response:
    sim = _sim(request)
    return _object(sim.computer_json(sim.fleet.get(request.path_params["id"])))


async def update_computer(request: Request) -> Response:
    sim = _sim(request)
    computer = sim.fleet.update(request.path_params["id"], await json_body(request))
    return _object(sim.computer_json(computer))


async def delete_computer(request: Request) -> Response:
    sim = _sim(request)
    computer = sim.fleet.destroy(request.path_params["id"])
    return JSONResponse({"success": True, "ok": True, "id": computer.id, "status": computer.status})


def _action(name: str) -> Any:
    async def handler(request: Request) -> Response:
        sim = _sim(request)
        computer: SimComputer = getattr(sim.fleet, name)(request.path_params["id"])
        return _object(sim.computer_json(computer), success=True)

    handler.__name__ = f"{name}_computer"
    return handler


async def clone_computer(request: Request) -> Response:
    sim = _sim(request)
    clone = sim.fleet.clone(request.path_params["id"], await json_body(request))
    return _object(sim.computer_json(clone), status=201, success=True)


async def resize_computer(request: Request) -> Response:
    sim = _sim(request)
    computer = sim.fleet.resize(request.path_params["id"], await json_body(request))
    return _object(sim.computer_json(computer), success=True)


async def move_computer(request: Request) -> Response:
    sim = _sim(request)
    computer = sim.fleet.move(request.path_params["id"], await json_body(request))
    return _object(sim.computer_json(computer), success=True)


# ---- access ------------------------------------------------------------------------------


async def list_apps(request: Request) -> Response:
    computer = _sim(request).fleet.get(request.path_params["id"])
    apps = [{"name": a, "title": APP_TITLES.get(a, a.title())} for a in computer.apps]
    return JSONResponse({"data": apps})


async def list_urls(request: Request) -> Response:
    c = _sim(request).fleet.get(request.path_params["id"])
    urls: list[dict[str, Any]] = [
        {"name": "desktop", "url": c.desktop_url},
        {"name": "public", "url": c.sandbox_url},
    ]
    for port in c.ports:
        urls.append(
            {
                "name": "preview",
                "port": port,
                "url": f"https://{port}-{c.slug}.sandbox.{c.preview_domain}/",
            }
        )
    return JSONResponse({"data": urls})


async def vnc_credentials(request: Request) -> Response:
    c = _sim(request).fleet.get(request.path_params["id"])
    host = f"{c.slug}.computer.miosa.ai"
    return JSONResponse(
        {
            "username": "kasm_user",
            "password": c.vnc_password,
            "url": f"https://{host}/desktop/index.html",
            "host": host,
            "port": 443,
        }
    )


def _require_running(computer: SimComputer, purpose: str) -> None:
    if computer.status in RUNNING:
        return
    status = computer.status
    if status in TRANSITIONAL:
        text = f"computer {computer.name} is {status}; wait until it is running to {purpose}"
    else:
        text = f"computer {computer.name} is {status}; start it to {purpose}"
    raise SimError(409, "INVALID_STATE", text)


async def stream_token(request: Request) -> Response:
    c = _sim(request).fleet.get(request.path_params["id"])
    _require_running(c, "stream its desktop")
    expires = datetime.now(UTC) + timedelta(seconds=STREAM_TOKEN_TTL)
    return JSONResponse(
        {
            "token": "mst_" + secrets.token_urlsafe(24),
            "expires_at": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "expires_in": STREAM_TOKEN_TTL,
        }
    )


# ---- screenshots -------------------------------------------------------------------------


def _png(data: bytes) -> Response:
    return Response(data, media_type="image/png")


async def screenshot(request: Request) -> Response:
    sim = _sim(request)
    c = sim.fleet.get(request.path_params["id"])
    _require_running(c, "take a screenshot")
    return _png(sim.painter.png(sim.desktop_spec(c)))


async def screen_size(request: Request) -> Response:
    sim = _sim(request)
    sim.fleet.get(request.path_params["id"])
    return JSONResponse({"width": sim.config.width, "height": sim.config.height})


def parse_region(values: Mapping[str, Any]) -> tuple[float, float, float, float]:
    """x, y, width, height in 0-1000 space; every problem is reported per field."""
    problems: dict[str, str] = {}
    numbers: dict[str, float] = {}
    for name in REGION_FIELDS:
        raw = values.get(name)
        if raw is None or raw == "":
            problems[name] = "is required"
            continue
        try:
            if isinstance(raw, bool):
                raise ValueError
            value = float(raw)
        except (TypeError, ValueError):
            problems[name] = "must be a number from 0 to 1000"
            continue
        if not math.isfinite(value) or not 0 <= value <= 1000:
            problems[name] = "must be a number from 0 to 1000"
            continue
        numbers[name] = value
    for size_name, origin in (("width", "x"), ("height", "y")):
        if size_name in numbers and numbers[size_name] <= 0:
            problems[size_name] = "must be greater than 0 (the region has no area)"
        elif (
            size_name in numbers
            and origin in numbers
            and numbers[origin] + numbers[size_name] > 1000 + 1e-9
        ):
            problems[size_name] = f"runs past the edge ({origin} + {size_name} > 1000)"
    if problems:
        message = "; ".join(f"{k} {v}" for k, v in problems.items())
        raise SimError(422, "VALIDATION_FAILED", f"invalid region: {message}", problems)
    return numbers["x"], numbers["y"], numbers["width"], numbers["height"]


def region_box(
    region: tuple[float, float, float, float], width: int, height: int
) -> tuple[int, int, int, int]:
    """0-1000 space to a pixel box: rounded, clamped, at least 1 px each way."""
    x, y, w, h = region
    left = min(width - 1, max(0, round(x * width / 1000)))
    top = min(height - 1, max(0, round(y * height / 1000)))
    right = min(width, max(left + 1, round((x + w) * width / 1000)))
    bottom = min(height, max(top + 1, round((y + h) * height / 1000)))
    return left, top, right, bottom


async def screenshot_region(request: Request) -> Response:
    sim = _sim(request)
    c = sim.fleet.get(request.path_params["id"])
    values: dict[str, Any] = dict(request.query_params)
    if request.method == "POST":
        values.update(await json_body(request))
    if request.url.path.endswith("/screenshot") and not any(k in values for k in REGION_FIELDS):
        return await screenshot(request)  # E's GET /screenshot with no region: the full desktop
    box = region_box(parse_region(values), sim.config.width, sim.config.height)
    _require_running(c, "take a screenshot")
    return _png(sim.painter.png(sim.desktop_spec(c), box))


# ---- /_sim -------------------------------------------------------------------------------


async def sim_stats(request: Request) -> Response:
    return JSONResponse(_sim(request).stats_json())


async def sim_stats_reset(request: Request) -> Response:
    sim = _sim(request)
    sim.reset_stats()
    return JSONResponse(sim.stats_json())


async def sim_requests(request: Request) -> Response:
    sim = _sim(request)
    limit = _int_param(request, "limit", len(sim.requests))
    items = list(sim.requests)
    return JSONResponse(items[-limit:] if limit > 0 else [])


async def sim_faults(request: Request) -> Response:
    sim = _sim(request)
    if request.method in ("PUT", "POST", "PATCH"):
        body = await json_body(request)
        try:
            sim.faults.config = sim.faults.config.updated(body)
        except FaultConfigError as exc:
            raise SimError(422, "VALIDATION_FAILED", str(exc)) from exc
    return JSONResponse(sim.faults.config.to_json())


async def sim_computer(request: Request) -> Response:
    sim = _sim(request)
    computer = sim.fleet.get(request.path_params["id"])
    return JSONResponse(computer.internal_json(sim.fleet.clock()))


async def sim_computers(request: Request) -> Response:
    sim = _sim(request)
    return JSONResponse(
        {"data": [{"id": c.id, "name": c.name, "status": c.status} for c in sim.fleet.ordered()]}
    )


async def sim_force_status(request: Request) -> Response:
    sim = _sim(request)
    body = await json_body(request)
    status = body.get("status")
    if not isinstance(status, str) or not status.strip():
        raise SimError(422, "VALIDATION_FAILED", "status is required", {"status": "is required"})
    computer = sim.fleet.force_status(request.path_params["id"], status.strip())
    return JSONResponse(computer.internal_json(sim.fleet.clock()))


async def sim_churn(request: Request) -> Response:
    """POST {"share": 0.01}: flip that share of the fleet between running and stopped."""
    body = await json_body(request)
    share = body.get("share", 0.01)
    if isinstance(share, bool) or not isinstance(share, (int, float)):
        raise SimError(
            422, "VALIDATION_FAILED", "share must be a number", {"share": "must be a number"}
        )
    changed = _sim(request).fleet.churn(float(share))
    return JSONResponse({"changed": changed, "count": len(changed)})


def api_routes() -> list[Route]:
    p = API_PREFIX + "/computers"
    one = p + "/{id}"
    return [
        Route(p, list_computers, methods=["GET"]),
        Route(p, create_computer, methods=["POST"]),
        Route(one, get_computer, methods=["GET"]),
        Route(one, update_computer, methods=["PATCH", "POST"]),
        Route(one, delete_computer, methods=["DELETE"]),
        Route(one + "/start", _action("start"), methods=["POST"]),
        Route(one + "/stop", _action("stop"), methods=["POST"]),
        Route(one + "/restart", _action("restart"), methods=["POST"]),
        Route(one + "/clone", clone_computer, methods=["POST"]),
        Route(one + "/resize", resize_computer, methods=["POST", "PATCH"]),
        Route(one + "/move", move_computer, methods=["POST"]),
        Route(one + "/apps", list_apps, methods=["GET"]),
        Route(one + "/urls", list_urls, methods=["GET"]),
        Route(one + "/vnc-credentials", vnc_credentials, methods=["GET"]),
        Route(one + "/stream-token", stream_token, methods=["POST"]),
        Route(one + "/desktop/screenshot", screenshot, methods=["GET"]),
        Route(one + "/desktop/screen-size", screen_size, methods=["GET"]),
        Route(one + "/screenshot", screenshot_region, methods=["GET"]),
        Route(one + "/desktop/screenshot/region", screenshot_region, methods=["GET", "POST"]),
        Route(one + "/screenshot-region", screenshot_region, methods=["POST"]),
    ]


def sim_routes() -> list[Route]:
    return [
        Route("/_sim/stats", sim_stats, methods=["GET"]),
        Route("/_sim/stats/reset", sim_stats_reset, methods=["POST"]),
        Route("/_sim/requests", sim_requests, methods=["GET"]),
        Route("/_sim/faults", sim_faults, methods=["GET", "PUT", "POST", "PATCH"]),
        Route("/_sim/computers", sim_computers, methods=["GET"]),
        Route("/_sim/churn", sim_churn, methods=["POST"]),
        Route("/_sim/computers/{id}", sim_computer, methods=["GET"]),
        Route("/_sim/computers/{id}/status", sim_force_status, methods=["POST", "PUT"]),
    ]
