"""The hall server's API for other kiosks (``POST /api/v1/queue/{op}``), signed with ``[hall] key``.

A request without a valid signature gets 401 and changes nothing. A queue rule that
refuses gets 409 with the catalogue key and values, so the client raises the same
error class the local queue would. The client's name (``X-Device-Id``) goes into the
queue log as the actor.
"""

from __future__ import annotations

import json
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kiosk.core.hall import rpc
from kiosk.core.hall.auth import AuthRefused, RequestVerifier
from kiosk.core.hall.service import HallService
from kiosk.core.queue import QueueError
from kiosk.hall.pages import on_store, write

log = logging.getLogger(__name__)

MAX_BODY = 16 * 1024
PING = {"service": "bianmin-hall", "api": "v1"}


def _error(status: int, key: str, message: str, params: dict | None = None) -> Response:
    return JSONResponse(
        {"error": {"key": key, "message": message, "params": params or {}}}, status_code=status
    )


class QueueApiRoutes:
    """The signed queue operations."""

    def __init__(self, hall: HallService, verifier: RequestVerifier | None) -> None:
        self.hall = hall
        self.verifier = verifier

    async def ping(self, request: Request) -> Response:
        """``GET /api/v1/ping``: a hall server answers here (no signature needed)."""
        return JSONResponse(PING)

    async def operation(self, request: Request) -> Response:
        """``POST /api/v1/queue/{op}``."""
        name = request.path_params["op"]
        body = await request.body()
        if len(body) > MAX_BODY:
            return _error(413, "queue.error", f"the body is over {MAX_BODY} bytes")
        if self.verifier is None:
            return _error(401, "queue.hall_refused", "this hall server has no [hall] key set")
        target = request.scope["raw_path"].decode("latin-1")
        try:
            client = self.verifier.verify(request.method, target, request.headers, body)
        except AuthRefused as exc:
            log.warning("hall API: refused %s from %s: %s", name, request.client, exc)
            return _error(401, "queue.hall_refused", str(exc))
        op = rpc.OPS.get(name)
        if op is None:
            return _error(404, "queue.error", f"no operation {name!r}")
        try:
            args = rpc.check_args(op, json.loads(body or b"{}"))
        except (ValueError, rpc.BadArguments) as exc:
            return _error(400, "queue.error", str(exc))
        if "actor" in op.args:
            args["actor"] = f"{client} {args['actor']}" if args.get("actor") else client
        run = write if op.result in ("ticket", "none", "text") else on_store
        try:
            result = await run(self.hall, lambda: rpc.run(self.hall.queue, name, args))
        except QueueError as exc:
            return _error(409, exc.key, str(exc), exc.params)
        return JSONResponse({"result": result})
