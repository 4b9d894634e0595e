"""Why a request to the platform got no answer, in one line, with what to do when the
cause is a setting rather than the network.

``https://`` in ``[platform] url`` against a platform that speaks plain http fails deep in
TLS (``[SSL: WRONG_VERSION_NUMBER] wrong version number``); a technician reading that in
``bianmin status`` should read the fix beside it.
"""

from __future__ import annotations

import ssl
from urllib.parse import urlsplit

# OpenSSL's reasons when the other end does not speak TLS at all.
NOT_TLS = frozenset(
    {"WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "UNKNOWN_PROTOCOL", "PACKET_LENGTH_TOO_LONG"}
)


def transport_problem(exc: BaseException, base_url: str) -> str:
    """``Kind: message`` for a request that failed before any answer, plus a hint when the
    URL's scheme or the certificate is the cause."""
    text = f"{type(exc).__name__}: {exc}"
    reason = _ssl_reason(exc)
    if reason is None:
        return text
    parts = urlsplit(base_url)
    if reason in NOT_TLS:
        plain = parts._replace(scheme="http").geturl()
        return (
            f"{text}; the server at {parts.netloc} does not speak https: if the platform is"
            f" plain http (the reference platform is), write {plain!r} in [platform] url"
        )
    if reason == "CERTIFICATE_VERIFY_FAILED":
        return (
            f"{text}; the certificate of {parts.hostname} is not trusted here: check the"
            " clock (a wrong date makes a good certificate look invalid) and that the host"
            " name in [platform] url is the one the certificate names"
        )
    return text


def _ssl_reason(exc: BaseException) -> str | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return getattr(seen, "reason", None) or ""
        seen = seen.__cause__ or seen.__context__
    return None
