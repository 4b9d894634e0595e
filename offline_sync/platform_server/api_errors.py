"""The contract's error answers: ``{"error": {"code", "message"}}`` for every failure."""

from __future__ import annotations

import logging
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from offline_sync.contract.protocol import API_PREFIX, TUS_VERSION

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An answer with the contract's error body."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def _error_response(
    request: Request, status: int, code: str, message: str, headers: dict[str, str]
) -> Response:
    if request.url.path.startswith(f"{API_PREFIX}/uploads"):
        headers = {"Tus-Resumable": TUS_VERSION, **headers}
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _error_response(request, exc.status, exc.code, exc.message, exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    codes = {404: "not_found", 405: "method_not_allowed"}
    code = codes.get(exc.status_code, f"http_{exc.status_code}")
    return _error_response(request, exc.status_code, code, str(exc.detail), dict(exc.headers or {}))


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.exception("%s %s failed", request.method, request.url.path)
    return _error_response(
        request, 500, "internal", f"the platform failed: {type(exc).__name__}", {}
    )


EXCEPTION_HANDLERS = {ApiError: _api_error, HTTPException: _http_error, Exception: _internal_error}
