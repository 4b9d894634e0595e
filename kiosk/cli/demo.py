"""``bianmin demo``: scripted sessions that show the product without hardware."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from kiosk.cli.main import LazyGroup
from kiosk.cli.queue import _ticket_text


@click.group(cls=LazyGroup, lazy={"seed": "kiosk.cli.cases:demo_seed"})
def demo() -> None:
    """Demonstrations and demo data."""


@demo.command("queue")
@click.option(
    "--dir", "directory", type=click.Path(file_okay=False), help="Keep the demo data here."
)
def queue_demo(directory: str | None) -> None:
    """A scripted morning at a township service centre: tickets taken, called, served."""
    from kiosk.app import build_app
    from kiosk.config import load_config
    from kiosk.demo.site import write_demo_site

    where = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="bianmin-demo-"))
    config = load_config(write_demo_site(where))
    app = build_app(config)
    q = app.queue
    try:
        click.echo(f"== {config.site.name}: 取号演示 (data in {config.data_dir}) ==\n")
        script = [
            ("social", None, None, "一位村民办社保"),
            ("social", None, "51152119500101001", "一位七十多岁的老人刷身份证取号"),
            ("civil", None, None, "一位村民办低保"),
            ("social", "disability", None, "一位残疾人走绿色通道"),
            ("hukou", None, None, "一位村民办户口"),
        ]
        from devices.idcard.idnumber import check_character

        for service, priority, first17, who in script:
            number = first17 + check_character(first17) if first17 else None
            ticket = q.take(service, priority, id_number=number)
            click.echo(f"-- {who}:\n{_ticket_text(ticket)}\n")
        for counter in ("1号窗口", "3号窗口", "1号窗口"):
            ticket = q.call(counter)
            mark = "（绿色通道）" if ticket.priority else ""
            click.echo(f"请 {ticket.display_no} 号{mark}到 {counter} 办理")
            q.serve(ticket.ticket_no)
            q.done(ticket.ticket_no)
        click.echo("\n== 今日统计 ==")
        for row in q.status():
            click.echo(f"{row['name']}: 等候 {row['waiting']} 人")
        pending = app.outbox.counts()["pending"]
        click.echo(f"\n待上报平台的排队记录: {pending} 条 (联网后自动上报)")
    finally:
        app.close()
