"""``bianmin case``, ``bianmin catalogue`` and ``bianmin demo seed``: cases and the catalogue
from a shell, for staff and technicians. Personal data is masked unless ``--reveal`` is given."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import click

from devices.idcard.idnumber import mask_id_number, mask_name, mask_phone
from kiosk.cli.common import Failure, emit_json, services
from kiosk.core.audit import shell_actor
from kiosk.core.cases import Case, CaseError, CaseSummary, UnknownCase
from kiosk.core.catalogue import CatalogueError, UnknownItem
from kiosk.core.forms import FormInvalid
from kiosk.core.local_time import local_text
from kiosk.core.messages import messages_for
from kiosk.core.wording import masked_name


def _app(ctx: click.Context):
    app = services(ctx)
    try:
        app.catalogue.seed_if_empty()
    except CatalogueError as exc:  # the packaged seed catalogue is damaged
        raise Failure(str(exc)) from None
    return app


def _status_text(summary: CaseSummary) -> str:
    key = f"case.status.{summary.status}" if summary.status else f"case.state.{summary.state}"
    return messages_for().get(key)


def _summary_dict(s: CaseSummary, reveal: bool) -> dict[str, Any]:
    return {
        "case_id": s.case_id,
        "case_no": s.case_no,
        "item_code": s.item_code,
        "item_name": s.item_name,
        "bundle_code": s.bundle_code,
        "channel": s.channel,
        "state": s.state,
        "revision": s.revision,
        "status": s.status,
        "applicant_name": s.applicant_name
        if reveal
        else masked_name(s.applicant_name, messages_for()),
        "id_number": s.id_number if reveal else mask_id_number(s.id_number),
        "created_at": s.created_at,
        "submitted_at": s.submitted_at,
        "promised_date": s.promised_date.isoformat() if s.promised_date else None,
    }


def _masked_applicant(applicant: dict[str, Any]) -> dict[str, Any]:
    address = applicant.get("address")
    return {
        **applicant,
        "name": masked_name(applicant["name"], messages_for()),
        "id_number": mask_id_number(applicant["id_number"]),
        "phone": mask_phone(applicant.get("phone")),
        "address": address[:3] + "*" * (len(address) - 3) if address else address,
    }


def _case_dict(case: Case, reveal: bool) -> dict[str, Any]:
    agent = case.agent
    if agent and not reveal:
        agent = {**agent, "name": mask_name(agent["name"])}
    return {
        **_summary_dict(case.summary, reveal),
        "bundle_id": case.bundle_id,
        "delivery": case.delivery,
        "applicant": case.applicant if reveal else _masked_applicant(case.applicant),
        "agent": agent,
        "form": case.form if reveal else dict.fromkeys(case.form, "***"),
        "materials": [asdict(m) | {"satisfied": m.satisfied} for m in case.materials],
        "attachments": [asdict(a) for a in case.attachments],
        "timeline": [asdict(e) for e in case.timeline],
    }


# -- case ------------------------------------------------------------------------------------


@click.group()
def case() -> None:
    """Cases (办件) on this device, for staff."""


@case.command("list")
@click.option(
    "--state", type=click.Choice(["draft", "submitted"]), help="Only drafts or submitted."
)
@click.option("--id-number", help="Only the cases of the person with this ID number.")
@click.option("--limit", type=click.IntRange(1, 10000), default=50, show_default=True)
@click.option("--reveal", is_flag=True, help="Show names and ID numbers unmasked.")
@click.option("--json", "as_json", is_flag=True, help="One JSON array.")
@click.pass_context
def case_list(ctx, state, id_number, limit, reveal, as_json) -> None:
    """List cases, newest first (names and ID numbers masked unless --reveal)."""
    app = _app(ctx)
    if id_number:
        rows = app.cases.cases_of_person(id_number)[:limit]
        rows = [r for r in rows if state is None or r.state == state]
    else:
        rows = app.cases.list_cases(state=state, limit=limit)
    if reveal:
        detail = {"cases": len(rows), "by_id_number": bool(id_number), "state": state}
        app.audit.record(shell_actor(), "case.reveal", detail)
    if as_json:
        emit_json([_summary_dict(r, reveal) for r in rows])
        return
    if not rows:
        click.echo("没有办件 (no cases)")
        return
    zone = app.config.site.timezone
    for r in rows:
        d = _summary_dict(r, reveal)
        click.echo(
            f"{r.case_id}  {local_text(r.created_at, zone, seconds=False)}"
            f"  {d['applicant_name']:<4} {d['id_number']}  "
            f"{r.item_name}  [{_status_text(r)}]" + (f"  {r.case_no}" if r.case_no else "")
        )


@case.command("show")
@click.argument("case_id", metavar="CASE_ID_OR_NO")
@click.option("--reveal", is_flag=True, help="Show personal data and form values unmasked.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def case_show(ctx, case_id, reveal, as_json) -> None:
    """Everything about one case (by case id or platform case number): applicant, form,
    materials, attachments, progress."""
    app = _app(ctx)
    try:
        found = app.cases.find(case_id)
    except UnknownCase:
        raise Failure(
            f"case {case_id}: no such case on this device (see: bianmin case list)"
        ) from None
    d = _case_dict(found, reveal)
    if reveal:
        app.audit.record(shell_actor(), "case.reveal", {"case_id": found.case_id})
    if as_json:
        emit_json(d)
        return
    click.echo(f"办件 {found.case_id}  revision {found.revision}  {_status_text(found.summary)}")
    click.echo(f"  事项: {found.item_code} {found.item_name}")
    if found.case_no:
        click.echo(f"  办件编号: {found.case_no}")
    applicant = d["applicant"]
    click.echo(
        f"  申请人: {applicant['name']} {applicant['id_number']} {applicant.get('phone') or ''}"
    )
    click.echo(f"  渠道: {found.channel}  上报: {found.delivery or '-'}")
    if found.promised_date:
        click.echo("  " + messages_for().get("case.promised", date=found.promised_date.isoformat()))
    for name, value in d["form"].items():
        click.echo(f"  表单 {name}: {value}")
    for m in found.materials:
        mark = "✓" if m.satisfied else "✗"
        click.echo(f"  材料 {mark} {m.code} {m.name} (附件 {m.attachments})")
    for entry in found.timeline:
        extra = f" ({entry.reason})" if entry.reason else ""
        at = local_text(entry.at, app.config.site.timezone)
        click.echo(f"  {at}  {messages_for().get('case.status.' + entry.status)}{extra}")


# -- catalogue -------------------------------------------------------------------------------


@click.group()
def catalogue() -> None:
    """The catalogue of services (事项, 办事指南)."""


@catalogue.command("search")
@click.argument("words", nargs=-1, required=True)
@click.option("--theme", help="Only items of this theme (see: bianmin catalogue themes).")
@click.option("--limit", type=click.IntRange(1, 500), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON array.")
@click.pass_context
def catalogue_search(ctx, words, theme, limit, as_json) -> None:
    """Find items by Chinese text, pinyin (yanglao) or initials (ylbx); several words must
    all match (养老 转移), with or without quotes."""
    text = " ".join(words)
    app = _app(ctx)
    hits = app.catalogue.search(text, theme=theme, limit=limit)
    if as_json:
        rows = [asdict(h) | {"match": h.match.name.lower()} for h in hits]
        emit_json(rows)
        return
    if not hits:
        click.echo(f"没有找到与“{text}”有关的事项")
        return
    for h in hits:
        click.echo(f"{h.code}  {h.name}  [{h.theme}]  {h.department}")


@catalogue.command("show")
@click.argument("code")
@click.option(
    "--json", "as_json", is_flag=True, help="The item exactly as stored (contract section 6)."
)
@click.pass_context
def catalogue_show(ctx, code, as_json) -> None:
    """The service guide (办事指南) of one item."""
    app = _app(ctx)
    try:
        item = app.catalogue.item(code)
    except UnknownItem:
        raise Failure(
            f"catalogue item {code}: not in the catalogue (see: bianmin catalogue search)"
        ) from None
    if as_json:
        emit_json(app.catalogue.item_dict(code))
        return
    click.echo(f"{item.name}  ({item.code} v{item.version})")
    click.echo(f"  部门: {item.department}  主题: {item.theme}")
    click.echo(f"  承诺时限: {item.promised_days} 个工作日  法定时限: {item.legal_days} 个工作日")
    click.echo(f"  收费: {item.fee}  代办: {'可以' if item.agent_allowed else '不可以'}")
    audience = "自然人" if item.audience == "person" else "法人"
    text = messages_for()  # the words of the kiosk's guide screen
    reach = "、".join(text(f"guide.reach.{r}") for r in item.reach) or text("guide.item.where.none")
    click.echo(f"  服务对象: {audience}  通办范围: {reach}")
    for condition in item.conditions:
        click.echo(f"  条件: {condition}")
    if item.is_bundle:
        bundle = app.catalogue.bundle(code)
        for sub in bundle.items:
            click.echo(f"  包含事项: {sub.code} {sub.name}")
        materials = [(m.name, m.originals, m.copies, m.required) for m in bundle.materials]
    else:
        materials = [(m.name, m.originals, m.copies, m.required) for m in item.materials]
    for name, originals, copies, required in materials:
        need = "必需" if required else "可选"
        click.echo(f"  材料: {name}  原件 {originals} 份  复印件 {copies} 份  ({need})")
    for f in item.form:
        options = f"  选项: {'/'.join(f.options)}" if f.options else ""
        click.echo(f"  填写: {f.label} ({f.type}{', 必填' if f.required else ''}){options}")


@catalogue.command("themes")
@click.pass_context
def catalogue_themes(ctx) -> None:
    """Themes and how many items each holds."""
    app = _app(ctx)
    for theme in app.catalogue.themes():
        click.echo(f"{theme.name}  {theme.count}")


# -- demo seed -------------------------------------------------------------------------------


@click.command("seed")
@click.option(
    "--cases", "count", type=click.IntRange(1, 1_000_000), required=True, help="Cases to create."
)
@click.option(
    "--attachments",
    type=click.IntRange(0),
    default=0,
    show_default=True,
    help="How many of them get a JPEG.",
)
@click.option(
    "--attachment-kb",
    type=click.IntRange(1, 20 * 1024),
    default=50,
    show_default=True,
    help="JPEG size in KiB.",
)
@click.option("--seed", "rng_seed", type=int, default=467, show_default=True, help="Random seed.")
@click.pass_context
def demo_seed(ctx, count, attachments, attachment_kb, rng_seed) -> None:
    """Create COUNT submitted cases with synthetic applicants (valid ID numbers), queued for the platform."""
    from kiosk.demo.cases import seed_cases

    if attachments > count:
        raise click.UsageError(f"--attachments {attachments} is more than --cases {count}")
    app = _app(ctx)
    try:
        created = seed_cases(app.cases, app.catalogue, count, attachments, attachment_kb, rng_seed)
    except (CaseError, FormInvalid, ValueError) as exc:
        raise Failure(f"demo seed: {exc}") from None
    counts = app.outbox.counts()
    click.echo(
        f"created {len(created)} submitted cases ({attachments} with a {attachment_kb} KiB JPEG); "
        f"outbox: {counts['pending']} records and {counts['pending_attachments']} attachments pending"
    )
