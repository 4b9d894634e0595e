"""The agent tablet's tour: the real tablet app driven offscreen through every screen and
state, in landscape (1280x800) and portrait (800x1280), one PNG each.

A demo site with the reference platform (seed catalogue, two agents), the simulated card
reader and camera. The tour logs in after a wrong PIN, locks another agent out, adds
villagers by card and by number, applies with two photos and a signature, syncs, gets a
correction back and resubmits it, and shows a refused case (a dead letter) in plain words.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kivy.core.window import Window

from kiosk.agent.app import AgentApp
from kiosk.app import assemble_agent
from kiosk.core.catalogue import seed_dir
from kiosk.demo.driver import KioskDriver
from kiosk.demo.site import open_demo_site
from kiosk.demo.tour import TourClock

SIZES = {"landscape": (1280, 800), "portrait": (800, 1280)}
AGENT_TOML = '[ui]\nmode = "agent"\n\n[agent]\nkey_scrypt_n = 1024\ncamera = "sim"\n'
AGENTS = (("A-511502-007", "李代办", "135790"), ("A-511502-008", "罗代办", "246801"))
PENSION = "城乡居民基本养老保险参保登记"
SIGNATURE = [
    (0.1, 0.3),
    (0.15, 0.7),
    (0.25, 0.35),
    (0.35, 0.65),
    (0.45, 0.3),
    (0.55, 0.7),
    (0.62, 0.4),
]
SIGNATURE_2 = [(0.68, 0.6), (0.75, 0.3), (0.82, 0.65), (0.9, 0.35)]


@dataclass
class AgentTour:
    """One run in one orientation: the driver, the platform, the pictures taken."""

    out: Path
    prefix: str
    driver: KioskDriver
    platform: Any
    shots: list[Path]

    def shot(self, name: str) -> None:
        """A picture of the window now."""
        self.shots.append(
            self.driver.screenshot(self.out / f"{self.prefix}-{len(self.shots) + 1:02d}-{name}.png")
        )

    def wait(self, condition: Any, what: str = "") -> None:
        self.driver.wait_until(condition, timeout=20, what=what)

    def at(self, screen: str) -> None:
        self.wait(lambda: self.driver.app.current == screen, screen)

    def close_notice(self, fragment: str) -> None:
        d = self.driver
        self.wait(lambda: d.overlays() and d.shows(fragment), fragment)
        d.tap_at(*d.overlays()[0].center)
        self.wait(lambda: not d.overlays(), "the notice closed")

    def rows(self) -> list[Any]:
        from kiosk.agent.widgets import AgentRow

        return [w for w in self.driver.visible_widgets() if isinstance(w, AgentRow)]

    def row(self, title: str) -> Any:
        self.wait(lambda: any(r.title == title for r in self.rows()), title)
        return next(r for r in self.rows() if r.title == title)

    def pin(self, agent_id: str, pin: str) -> None:
        d = self.driver
        d.find(id="agent_input").text = agent_id
        for digit in pin:
            d.tap(digit)


def run_agent_tour(
    out: Path, orientations: tuple[str, ...] = ("landscape", "portrait")
) -> list[Path]:
    """Play the tour in each orientation; the PNGs written, in order."""
    out.mkdir(parents=True, exist_ok=True)
    shots: list[Path] = []
    for orientation in orientations:
        shots += _run(out, orientation)
    return shots


def _run(out: Path, orientation: str) -> list[Path]:
    workdir = Path(tempfile.mkdtemp(prefix="bianmin-agent-tour-"))
    site = open_demo_site(workdir, platform=True, reader=True, extra=AGENT_TOML)
    platform = site.platform
    platform.load_catalogue(seed_dir())
    platform.load_calendars()
    for agent_id, name, pin in AGENTS:
        platform.add_agent(agent_id, name, pin, villages=["511502101"], scrypt_n=2**10)
    Window.size = SIZES[orientation]
    clock = TourClock(datetime.now(UTC))
    driver = KioskDriver(AgentApp(assemble_agent(site.config, clock, background=False)))
    driver.start()
    tour = AgentTour(out, orientation, driver, platform, [])
    try:
        _play(tour, clock)
    except Exception:
        driver.screenshot(out / f"{orientation}-tour-stopped-here.png")
        raise
    finally:
        driver.stop()
        site.close()
        shutil.rmtree(workdir, ignore_errors=True)
    return tour.shots


def _play(tour: AgentTour, clock: TourClock) -> None:
    d, app = tour.driver, tour.driver.app
    tour.at("login")
    tour.shot("login-new-tablet")
    d.tap("同步账号")
    tour.close_notice("同步完成")
    # A wrong PIN, then another agent locked out after five (with the warning).
    tour.pin(AGENTS[0][0], "000000")
    tour.wait(lambda: d.shows("还可以再试"))
    tour.shot("login-wrong-pin")
    for _ in range(5):
        tour.pin(AGENTS[1][0], "000000")
        d.pump(3)
    tour.wait(lambda: d.shows("分钟后再试"))
    tour.shot("login-locked-with-warning")
    tour.pin(AGENTS[0][0], AGENTS[0][2])
    tour.at("home")
    tour.shot("home-first-day")

    # Villagers: by card, and keyed.
    d.tap("村民")
    tour.at("villagers")
    tour.shot("villagers-empty")
    reader = app.front_end.devices.reader.simulator
    card = reader.place(0)
    tour.wait(lambda: app.current == "villager" and d.shows(card.name))
    reader.remove()
    tour.shot("villager-read-by-card")
    app.back()
    tour.at("villagers")
    d.tap(id="add")
    tour.at("villager_add")
    d.find(id="id_number").text = "51150219580312123X"
    d.find(id="name").text = "张桂英"
    d.tap(id="save")
    tour.wait(lambda: d.shows("身份证号码不正确"))
    tour.shot("villager-keyed-wrong-check-digit")
    d.find(id="id_number").text = "511502195803121230"
    d.find(id="phone").text = "13908171234"
    d.tap(id="save")
    tour.at("villager")
    app.back()
    tour.at("villagers")
    d.find(id="query").text = "zgy"
    tour.wait(lambda: app.screen("villagers").shown == "zgy")
    tour.shot("villagers-search-initials")
    app.home()

    # A new application for the villager read by card.
    _apply(tour, card.name)
    d.tap("待发送")
    tour.row(PENSION)
    tour.shot("unsent-list-badge")

    # A second one the platform refuses: a dead letter (staged as the sync engine records a
    # refusal: the reference platform has no way to refuse a well-formed case on demand).
    _apply(tour, "张桂英", shots=False)
    _refuse_latest(tour, "invalid: form.bank_account: 6228 0000 0000 is not a bank account number")
    d.tap(id="sync")
    tour.close_notice("同步完成")
    d.tap("待发送")
    failed = tour.row(PENSION)
    tour.shot("unsent-dead-letter")
    d.tap(failed)
    tour.at("case")
    tour.wait(lambda: d.shows("平台退回"))
    tour.shot("case-dead-letter-what-to-do")
    app.home()

    # The platform asks for a correction of the first; it comes back, is resubmitted.
    sent = [r for r in tour.platform.cases() if r["status"] == "received"]
    tour.platform.set_case_status(
        sent[0]["case_no"], "needs_correction", reason="户口簿照片不清楚，请重拍户主页"
    )
    d.tap(id="sync")
    tour.close_notice("同步完成")
    d.tap("提醒")
    tour.row(f"{PENSION} · {card.name}")
    tour.shot("reminders-correction")
    d.tap("已发送")
    tour.wait(lambda: any(r.tag == "需补正" for r in tour.rows()))
    tour.shot("sent-needs-correction")
    d.tap(next(r for r in tour.rows() if r.tag == "需补正"))
    tour.at("case")
    tour.wait(lambda: d.shows("户口簿照片不清楚"))
    tour.shot("case-needs-correction")
    d.tap(id="act")
    tour.wait(lambda: d.overlays())
    tour.shot("correction-question")
    d.tap("补正")
    tour.wait(lambda: app.current == "materials" and d.shows("已有1张"))
    shoot = [w for w in d.visible_widgets() if getattr(w, "text", "") == "拍照"]
    d.tap(
        next(
            w
            for w in shoot
            if "户口簿" in " ".join(c.text for c in w.parent.children if hasattr(c, "text"))
        )
    )
    tour.at("camera")
    tour.wait(lambda: d.find(id="finder").texture is not None)
    d.tap(id="shoot")
    tour.wait(lambda: app.current == "materials" and d.shows("已有2张"))
    tour.shot("materials-correction-new-photo")
    d.tap(id="next")
    tour.wait(lambda: app.current == "review" and d.shows("第2版"))
    tour.shot("review-correction-revision-2")
    d.tap(id="submit")
    tour.close_notice("有信号时自动发送")
    d.tap(id="sync")
    tour.close_notice("同步完成")
    d.tap("已发送")
    tour.row(PENSION)
    tour.shot("sent-after-correction")

    # Idle: the tablet locks itself.
    clock.advance(app.site.agent.idle_lock_s + 1)
    app._check_idle()
    tour.at("login")
    tour.shot("locked-after-idle")


def _refuse_latest(tour: AgentTour, error: str) -> None:
    """Mark the newest unsent case refused, as the sync engine does with the platform's answer."""
    desk = tour.driver.app.desk

    def refuse(_services: Any) -> None:
        newest = max(desk.lists.unsent(), key=lambda line: line.submitted_at or "")
        with desk.store.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET state = 'dead', last_error = ? WHERE kind = 'case'"
                " AND record_id = ?",
                (error, newest.case_id),
            )

    tour.driver.app.services.submit(refuse).result()


def _apply(tour: AgentTour, name: str, shots: bool = True) -> None:
    d, app = tour.driver, tour.driver.app

    def shot(label: str) -> None:
        if shots:
            tour.shot(label)

    d.tap(id="new")
    tour.at("villagers")
    tour.wait(lambda: app.screen("villagers").shown == "")
    d.tap(tour.row(name))
    tour.at("items")
    d.find(id="query").text = "yl"
    tour.wait(
        lambda: app.screen("items").shown == "yl" and any(r.title == PENSION for r in tour.rows())
    )
    shot("items-search-pinyin")
    d.tap(tour.row(PENSION))
    tour.wait(lambda: app.current == "form" and d.shows("联系电话"))
    form = app.screen("form")
    for field in app.flow.fields:
        widget = form._inputs[field.name]
        if getattr(widget, "values", None):
            widget.text = widget.values[0]
        elif not widget.text:
            widget.text = {"phone": "13908171234"}.get(
                field.type, "四川省宜宾市翠屏区李庄镇永胜村3组"
            )
    shot("form")
    d.tap(id="next")
    tour.at("materials")
    shot("materials-checklist")
    for i in range(2):
        tour.wait(lambda: d.shows("还没有照片"))
        shoot = [w for w in d.visible_widgets() if getattr(w, "text", "") == "拍照"]
        target = next(
            w
            for w in shoot
            if "还没有照片" in " ".join(getattr(c, "text", "") for c in w.parent.children)
        )
        d.tap(target)
        tour.at("camera")
        tour.wait(lambda: d.find(id="finder").texture is not None)
        if i == 0:
            shot("camera-viewfinder")
        d.tap(id="shoot")
        tour.wait(
            lambda i=i: (
                app.current == "materials"
                and d.shows("已有1张")
                and (i == 0 or not d.shows("还没有照片"))
            )
        )
    shot("materials-photographed")
    d.tap(id="next")
    tour.at("authorize")
    d.stroke(d.find(id="pad"), SIGNATURE)
    d.stroke(d.find(id="pad"), SIGNATURE_2)
    shot("authorize-signed")
    d.tap(id="sign")
    tour.wait(lambda: app.current == "review" and d.shows("申请人已签字"))
    shot("review")
    d.tap(id="submit")
    tour.wait(lambda: d.overlays() and d.shows("有信号时自动发送"))
    shot("submitted-offline")
    tour.close_notice("有信号时自动发送")
