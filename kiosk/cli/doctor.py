"""``bianmin doctor``: check the appliance; one line per check, a fix hint for each problem."""

from __future__ import annotations

import inspect

import click

from kiosk.cli.common import emit_json
from kiosk.core.upkeep.doctor import DoctorContext, DoctorReport, Status, run_checks
from kiosk.core.upkeep.doctor.report import registry


def doctor_context(ctx: click.Context) -> DoctorContext:
    """The doctor's view of this invocation (its config need not load)."""
    from kiosk.app import STORE_FILE

    return DoctorContext(ctx.find_root().params.get("config_path"), STORE_FILE)


@click.command()
@click.argument("checks", nargs=-1, metavar="[CHECK]...")
@click.option("--json", "as_json", is_flag=True, help='Print {"status": ..., "checks": [...]}.')
@click.option("-v", "--verbose", is_flag=True, help="More lines per check, and its time.")
@click.pass_context
def doctor(ctx: click.Context, checks: tuple[str, ...], as_json: bool, verbose: bool) -> None:
    """Check the box: configuration, data, store, key, clock, devices, links, fonts, sound,
    backups. Each check says ok, warn, fail or crash, with what to do.

    Exit status 0 when no check fails, 1 when one fails or crashes. Name checks to run
    only those; the names are listed in --help.
    """
    known = registry()
    unknown = [name for name in checks if name not in known]
    if unknown:
        raise click.UsageError(f"unknown check {unknown[0]!r}; checks: {', '.join(known)}")
    report = run_checks(doctor_context(ctx), checks)
    if as_json:
        emit_json(report.as_dict())
    else:
        click.echo(report_text(report, verbose))
    ctx.exit(1 if report.failed else 0)


def report_text(report: DoctorReport, verbose: bool = False) -> str:
    """One line per check (problems in capitals), its fix hint below it."""
    width = max((len(r.name) for r in report.results), default=0) + 2
    lines = []
    for result in report.results:
        word = str(result.status)
        word = word if result.status is Status.OK else word.upper()
        timing = f"  [{result.seconds:.2f} s]" if verbose else ""
        lines.append(f"{word:<6}{result.name:<{width}}{result.detail}{timing}")
        pad = " " * (6 + width)
        if result.fix:
            lines.append(f"{pad}fix: {result.fix}")
        if verbose:
            lines += [f"{pad}{line}" for line in result.more]
    counts = {s: sum(r.status is s for r in report.results) for s in Status}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    lines.append(f"overall: {report.status} ({summary})")
    return "\n".join(lines)


doctor.help = inspect.cleandoc(doctor.help or "") + "\n\nChecks: " + ", ".join(registry())
