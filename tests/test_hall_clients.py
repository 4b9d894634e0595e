"""Two kiosks sharing one queue through a real hall server (``bianmin hall serve``) on 127.0.0.1."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.app import build_app, open_store
from kiosk.cli.main import main
from kiosk.config import load_config
from kiosk.core.hall.client import HallClient
from kiosk.core.queue import (
    HallRefused,
    HallUnavailable,
    NobodyWaiting,
    UnknownTicket,
)
from offline_sync.clock import SystemClock
from tests.conftest import write_site
from tests.hall_fixtures import (
    WRONG_KEY,
    HallProcess,
    client_toml,
    server_toml,
)


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """One hall server process for the module, and two client kiosks' site files."""
    root = tmp_path_factory.mktemp("hall")
    (root / "server").mkdir()
    site = write_site(root / "server", server_toml())
    with HallProcess(site) as server:
        clients = []
        for name in ("kiosk-a", "kiosk-b"):
            (root / name).mkdir()
            clients.append(write_site(root / name, client_toml(server.url)))
        server.clients = clients
        server.root = root
        yield server


def client(site: Path, name: str = "kiosk") -> HallClient:
    return HallClient(load_config(site), SystemClock(), name=name)


def stored_tickets(server: HallProcess) -> list[str]:
    store = open_store(load_config(server.site))
    try:
        return [r[0] for r in store.conn.execute("SELECT ticket_no FROM ticket ORDER BY rowid")]
    finally:
        store.close()


def test_two_kiosks_share_one_numbering_and_the_server_logs_who_issued(hall):
    a, b = client(hall.clients[0], "kiosk-a"), client(hall.clients[1], "kiosk-b")
    try:
        numbers = [q.take("civil").ticket_no for q in (a, b, a, b)]
        assert numbers == ["B001", "B002", "B003", "B004"]
        assert b.get("B001").state == "waiting"
        assert a.status()[1]["waiting"] == 4
    finally:
        a.close(), b.close()
    store = open_store(load_config(hall.site))
    try:
        actors = [r[0] for r in store.conn.execute(
            "SELECT actor FROM queue_log WHERE action = 'issued' AND service_code = 'civil'"
        )]  # fmt: skip
        # the ticket events wait in the server's own outbox, once each
        events = store.conn.execute(
            "SELECT count(*) FROM outbox WHERE kind = 'ticket_event'"
        ).fetchone()[0]
    finally:
        store.close()
    assert actors == ["kiosk-a", "kiosk-b", "kiosk-a", "kiosk-b"]
    assert events >= 4


def test_the_age_priority_is_checked_on_the_kiosk_and_the_id_number_stays_there(hall):
    from tests.test_queue_rules import id_number

    q = client(hall.clients[0])
    try:
        ticket = q.take("hukou", id_number=id_number("19500101"))
    finally:
        q.close()
    assert ticket.priority == "age" and ticket.display_no.startswith("C")
    store = open_store(load_config(hall.site))
    try:
        rows = store.conn.execute("SELECT * FROM queue_log").fetchall()
    finally:
        store.close()
    assert not any("19500101" in str(tuple(r)) for r in rows)


def test_a_wrong_key_is_refused_and_issues_nothing(hall, tmp_path):
    before = stored_tickets(hall)
    site = write_site(tmp_path, client_toml(hall.url, WRONG_KEY))
    q = client(site)
    try:
        with pytest.raises(HallRefused):
            q.check()  # what doctor and set-up ask
        with pytest.raises(HallRefused) as refused:
            q.take("social")
    finally:
        q.close()
    assert refused.value.key == "queue.hall_refused" and "[hall] key" in str(refused.value)
    assert stored_tickets(hall) == before


def test_queue_rules_answer_with_the_same_error_as_locally(hall):
    q = client(hall.clients[1])
    try:
        with pytest.raises(UnknownTicket) as unknown:
            q.serve("Z999")
        with pytest.raises(NobodyWaiting):
            q.call("2号窗口", "social")
    finally:
        q.close()
    assert unknown.value.params == {"ticket_no": "Z999"}


def test_queue_call_json_through_the_hall_server(hall):
    runner = CliRunner()
    taken = runner.invoke(
        main, ["--config", str(hall.clients[0]), "queue", "take", "social", "--json"]
    )
    assert taken.exit_code == 0, taken.output
    called = runner.invoke(
        main,
        [
            "--config",
            str(hall.clients[1]),
            "queue",
            "call",
            "1号窗口",
            "--service",
            "social",
            "--json",
        ],
    )
    assert called.exit_code == 0, called.output
    body = json.loads(called.output)
    assert body["ticket_no"] == json.loads(taken.output)["ticket_no"]
    assert body["counter"] == "1号窗口" and body["state"] == "called"


def test_concurrent_counters_never_call_one_ticket_twice(hall):
    issuer = client(hall.clients[0])
    try:
        taken = {issuer.take("hukou").ticket_id for _ in range(24)}
    finally:
        issuer.close()
    counters = ["3号窗口", "4号窗口"] * 4
    # desks named as staff would name them (Chinese, spaces): the name travels percent-encoded
    desks = [client(hall.clients[i % 2], f"{counters[i]} 台{i}") for i in range(len(counters))]

    def work(i: int) -> list[str]:
        called = []
        while True:
            try:
                called.append(desks[i].call(counters[i], "hukou").ticket_id)
            except NobodyWaiting:
                return called

    try:
        with ThreadPoolExecutor(len(desks)) as pool:
            results = list(pool.map(work, range(len(desks))))
    finally:
        for d in desks:
            d.close()
    everything = [t for called in results for t in called]
    assert len(everything) == len(set(everything))  # nobody called twice
    assert taken <= set(everything)  # and nobody left waiting
    store = open_store(load_config(hall.site))
    try:
        actors = {r[0] for r in store.conn.execute(
            "SELECT actor FROM queue_log WHERE action = 'called' AND service_code = 'hukou'"
        )}  # fmt: skip
    finally:
        store.close()
    assert actors and actors <= {f"{counters[i]} 台{i}" for i in range(len(counters))}


def test_numbering_continues_after_the_server_is_killed_and_a_kiosk_says_paused(hall):
    kiosk = build_app(load_config(hall.clients[0]), SystemClock())
    try:
        before = kiosk.queue.take("social").ticket_no
        hall.kill()
        with pytest.raises(HallUnavailable) as away:
            kiosk.queue.take("social")
        assert away.value.key == "queue.hall_unavailable"
        hall.start()
        after = kiosk.queue.take("social").ticket_no
    finally:
        kiosk.close()
    assert int(after[1:]) == int(before[1:]) + 1
    assert stored_tickets(hall).count(after) == 1


def test_the_kiosk_reads_whether_it_can_issue(hall, tmp_path):
    from kiosk.core.queue.issuing import issuing_state

    q = client(hall.clients[0])
    try:
        q.pause_issuing(["civil"])
        state = issuing_state(q)
        assert not state.paused and state.can_take("social") and not state.can_take("civil")
        q.resume_issuing(["civil"])
    finally:
        q.close()
    away = client(write_site(tmp_path, client_toml("http://127.0.0.1:9")))
    try:
        state = issuing_state(away)
    finally:
        away.close()
    assert state.paused and state.paused_key == "queue.hall_unavailable"
    assert not state.can_take("social") and state.retry_s > 0
