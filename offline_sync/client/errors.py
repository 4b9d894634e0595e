"""The errors of the platform client: each says what the sync engine should do next."""

from __future__ import annotations


class PlatformError(Exception):
    """The platform answered with an error (``status`` is None when there was no answer)."""

    def __init__(self, status: int | None, code: str, message: str) -> None:
        super().__init__(f"{message} (HTTP {status} {code})" if status else message)
        self.status = status
        self.code = code
        self.message = message


class LinkDown(PlatformError):
    """No usable answer: connection error, timeout, non-contract answer, or a server error."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(status, "link_down", message)


class RetryLater(PlatformError):
    """The platform is busy (429/503); ``retry_after_s`` is its ``Retry-After`` or None."""

    def __init__(self, retry_after_s: float | None, status: int = 503, message: str = "") -> None:
        super().__init__(status, "retry_later", message or "the platform asks to retry later")
        self.retry_after_s = retry_after_s


class AuthRejected(PlatformError):
    """The platform refused the device's credentials (``code`` as in contract section 1)."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(401, code, message or f"authentication rejected: {code}")


class CursorExpired(PlatformError):
    """The change feed no longer knows the cursor: pull again from the beginning."""

    def __init__(self, message: str = "") -> None:
        super().__init__(410, "cursor_expired", message or "the cursor has expired")


class TooLarge(PlatformError):
    """The request is larger than the platform accepts (413)."""

    def __init__(self, message: str = "") -> None:
        super().__init__(413, "too_large", message or "the request is too large")
