"""The hall server's request signatures, operation arguments and event stream format."""

from __future__ import annotations

import pytest

from kiosk.core.hall import rpc
from kiosk.core.hall.auth import CLOCK_SKEW_S, AuthRefused, RequestVerifier
from kiosk.core.hall.events import format_retry, format_sse, parse_sse
from offline_sync.signing import secret_key, sign_headers
from tests.hall_fixtures import HALL_KEY, WRONG_KEY

PATH = "/api/v1/queue/take"
BODY = b'{"service_code":"social"}'


def signed(clock, key: str = HALL_KEY, body: bytes = BODY, name: str = "kiosk-2", **extra):
    stamp = int(clock.now().timestamp()) + extra.pop("skew", 0)
    return sign_headers(name, secret_key(key), "POST", PATH, body, stamp, **extra)


def test_a_signed_request_passes_once_and_nothing_else_does(clock):
    verifier = RequestVerifier(HALL_KEY, clock)
    headers = signed(clock, name="3%E5%8F%B7%E7%AA%97%E5%8F%A3")
    assert verifier.verify("POST", PATH, headers, BODY) == "3号窗口"
    refusals = {
        "replayed": (headers, BODY),
        "wrong key": (signed(clock, WRONG_KEY), BODY),
        "body changed": (signed(clock), b'{"service_code":"civil"}'),
        "clock far off": (signed(clock, skew=CLOCK_SKEW_S + 5), BODY),
        "unsigned": ({}, BODY),
    }
    for why, (h, body) in refusals.items():
        with pytest.raises(AuthRefused):
            verifier.verify("POST", PATH, h, body)
            pytest.fail(why)
    with pytest.raises(AuthRefused):
        verifier.verify("POST", "/api/v1/queue/call", signed(clock), BODY)  # another path


def test_operation_arguments_are_checked_against_the_table():
    take = rpc.OPS["take"]
    assert rpc.check_args(take, {"service_code": "social"}) == {"service_code": "social"}
    for bad in (
        [],
        {},
        {"service_code": 3},
        {"service_code": "social", "priority_checked": "yes"},
        {"service_code": "social", "id_number": "51150219500101001X"},  # never sent
    ):
        with pytest.raises(rpc.BadArguments):
            rpc.check_args(take, bad)
    issuing = rpc.OPS["pause_issuing"]
    with pytest.raises(rpc.BadArguments):
        rpc.check_args(issuing, {"service_codes": ["social", 1]})


def test_events_read_back_as_they_were_sent():
    wire = format_retry() + format_sse("change", {"seq": 7, "counter": "3号窗口"}, 7)
    wire += b": ping\n\n" + format_sse("show", {"call": None})
    events = list(parse_sse(wire.decode().splitlines(keepends=True)))
    assert [(e.event, e.id) for e in events] == [("change", "7"), ("show", "7")]
    assert events[0].data == {"seq": 7, "counter": "3号窗口"}
