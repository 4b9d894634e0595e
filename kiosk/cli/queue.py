"""``bianmin queue``: issue and move queue tickets from a shell."""

from __future__ import annotations

from datetime import date, datetime

import click

from kiosk.cli.common import Failure, cause_and_sentence, emit_json, services
from kiosk.core.local_time import local_text
from kiosk.core.queue import Priority, QueueError, Ticket


def _ticket_text(ticket: Ticket) -> str:
    lines = [
        f"{ticket.service_name}  {ticket.display_no}"
        + ("  【绿色通道】" if ticket.priority else ""),
        f"取号时间 {local_text(ticket.issued_at, ticket.issued_at.tzinfo, seconds=False)}",
        f"状态 {ticket.state}" + (f"  窗口 {ticket.counter}" if ticket.counter else ""),
    ]
    if ticket.state == "waiting":
        lines.append(f"前面还有 {ticket.ahead} 人，预计等候 {ticket.estimated_wait_min} 分钟")
    return "\n".join(lines)


def _run(ctx: click.Context, action, as_json: bool = False):
    try:
        ticket = action(services(ctx).queue)
    except QueueError as exc:
        raise Failure(cause_and_sentence(exc)) from None
    if as_json:
        emit_json(ticket.as_json())
    else:
        click.echo(_ticket_text(ticket))
    return ticket


@click.group()
def queue() -> None:
    """Queue numbers (排队取号)."""


@queue.command()
@click.argument("service")
@click.option(
    "--priority", type=click.Choice([p.value for p in Priority]), help="Green channel reason."
)
@click.option(
    "--id-number", help="ID number read from the card (for the age priority; not stored)."
)
@click.option("--appointment", "appointment_code", help="Check in an appointment code.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--print", "print_it", is_flag=True, help="Print the ticket.")
@click.option("--printer", "printer_url", help="Printer URL (default: [devices.printer] url).")
@click.pass_context
def take(
    ctx, service, priority, id_number, appointment_code, as_json, print_it, printer_url
) -> None:
    """Issue the next number of SERVICE (a service code from the config)."""
    ticket = _run(
        ctx,
        lambda q: q.take(service, priority, id_number=id_number, appointment_code=appointment_code),
        as_json,
    )
    if print_it:
        from kiosk.cli.printer import print_queue_ticket

        print_queue_ticket(ctx, ticket, printer_url)


@queue.command()
@click.argument("counter")
@click.option("--service", "service_code", help="Call only from this service.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def call(ctx, counter, service_code, as_json) -> None:
    """Call the next ticket to COUNTER."""
    _run(ctx, lambda q: q.call(counter, service_code), as_json)


def _move_command(name: str, method: str, summary: str) -> click.Command:
    @click.argument("ticket_no")
    @click.option("--json", "as_json", is_flag=True)
    @click.pass_context
    def command(ctx, ticket_no, as_json) -> None:
        _run(ctx, lambda q: getattr(q, method)(ticket_no), as_json)

    command.__doc__ = summary
    return queue.command(name)(command)


_move_command("serve", "serve", "The villager holding TICKET_NO came to the counter.")
_move_command("done", "done", "Service of TICKET_NO is finished.")
_move_command("no-show", "no_show", "Nobody came for TICKET_NO.")
_move_command("recall", "recall", "Call TICKET_NO again.")
_move_command("cancel", "cancel", "Cancel TICKET_NO.")
_move_command("hold", "hold", "Put TICKET_NO aside at its counter (挂起).")
_move_command("restore", "restore", "Put today's no-show TICKET_NO back in line (恢复).")


@queue.command("call-back")
@click.argument("ticket_no")
@click.argument("counter")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def call_back(ctx, ticket_no, counter, as_json) -> None:
    """Call the held TICKET_NO back to COUNTER (回呼)."""
    _run(ctx, lambda q: q.call_back(ticket_no, counter), as_json)


@queue.command("call-chosen")
@click.argument("ticket_no")
@click.argument("counter")
@click.option("--reason", required=True, help="Why it is called out of turn (logged).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def call_chosen(ctx, ticket_no, counter, reason, as_json) -> None:
    """Call TICKET_NO to COUNTER out of turn (指定叫号)."""
    _run(ctx, lambda q: q.call_chosen(ticket_no, counter, reason), as_json)


def _pause_command(name: str, method: str, summary: str, counter: bool) -> click.Command:
    @click.pass_context
    def command(ctx, **args) -> None:
        target = args["counter"] if counter else list(args["services"]) or None
        try:
            getattr(services(ctx).queue, method)(target)
        except QueueError as exc:
            raise Failure(cause_and_sentence(exc)) from None
        click.echo(f"{name}: done")

    command.__doc__ = summary
    argument = click.argument("counter") if counter else click.argument("services", nargs=-1)
    return queue.command(name)(argument(command))


_pause_command("pause", "pause_counter", "COUNTER stops calling for a while (暂停服务).", True)
_pause_command("resume", "resume_counter", "COUNTER serves again.", True)
_pause_command(
    "pause-issuing", "pause_issuing", "Stop issuing numbers for SERVICES (all when none).", False
)
_pause_command("resume-issuing", "resume_issuing", "Issue numbers again for SERVICES.", False)


@queue.command()
@click.argument("ticket_no")
@click.argument("service")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def transfer(ctx, ticket_no, service, as_json) -> None:
    """Send TICKET_NO to SERVICE, keeping its place by issue time."""
    _run(ctx, lambda q: q.transfer(ticket_no, service), as_json)


@queue.command()
@click.argument("service")
@click.argument("at", type=click.DateTime(["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]))
@click.pass_context
def book(ctx, service, at: datetime) -> None:
    """Book an appointment for SERVICE at AT (local time); prints its code."""
    app = services(ctx)
    try:
        code = app.queue.book(service, at.replace(tzinfo=app.queue.zone))
    except QueueError as exc:
        raise Failure(cause_and_sentence(exc)) from None
    click.echo(code)


@queue.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def status(ctx, as_json) -> None:
    """People waiting and at the counters, per service, today."""
    rows = services(ctx).queue.status()
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        at = (
            ", ".join(
                f"{c['ticket_no']}{'【绿色通道】' if c.get('priority') else ''}"
                f"@{c['counter']}({c['state']})"
                for c in row["at_counters"]
            )
            or "-"
        )
        click.echo(
            f"{row['service']:<10} {row['name']}  等候 {row['waiting']} 人  预计 {row['estimated_wait_min']} 分钟  窗口 {at}"
        )


@queue.command()
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="Local day (default today).")
@click.option("--json", "as_json", is_flag=True)
@click.option("--print", "print_it", is_flag=True, help="Print the statistics slip (每日统计).")
@click.option("--printer", "printer_url", help="Printer URL (default: [devices.printer] url).")
@click.pass_context
def stats(ctx, day, as_json, print_it, printer_url) -> None:
    """Daily statistics per service: tickets, waits, service time, no-show rate."""
    the_day: date | None = day.date() if day else None
    rows = services(ctx).queue.stats(the_day)
    if print_it:
        from kiosk.cli.printer import print_daily_stats

        print_daily_stats(ctx, the_day, rows, printer_url)
    if as_json:
        emit_json([s.as_json() for s in rows])
        return
    for s in rows:
        click.echo(
            f"{s.service_code:<10} 取号 {s.tickets}（手机 {s.channels.get('phone', 0)}）"
            f"  办结 {s.served}  过号 {s.no_show}"
            f"  平均等候 {_fmt(s.mean_wait_min)}  90%等候 {_fmt(s.p90_wait_min)}"
            f"  平均办理 {_fmt(s.mean_service_min)}  过号率 {_fmt(s.no_show_rate, pct=True)}"
        )


def _fmt(value: float | None, pct: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:.0%}" if pct else f"{value:.1f}分"
