"""新办一件, last pages: the villager's authorisation (signature or ID card), 核对 and 提交."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.agent.screens.base import AgentScreen


class AgentAuthorizeScreen(AgentScreen):
    """委托: the villager signs on the pad, or their own ID card is read."""

    message = StringProperty("")

    def clear(self) -> None:
        self.ids.pad.clear()
        self.message = ""

    def refresh(self) -> None:
        self.clear()

    def sign(self) -> None:
        """确认签字: the signature becomes the consent attachment; the flow records it."""
        strokes = [list(s) for s in self.ids.pad.strokes]
        flow, case_id = self.app.flow, self.app.case_id

        def signed(desk: Any) -> Any:
            consent = desk.signature(case_id, strokes)
            return flow.authorize(desk, "signature", consent.attachment_id)

        self._authorize(signed)

    def on_card(self, card: Any) -> None:
        """本人在场: the applicant's own card was read."""
        flow, case_id = self.app.flow, self.app.case_id

        def present(desk: Any) -> Any:
            desk.check_card(case_id, card)
            return flow.authorize(desk, "id_card_present")

        self._authorize(present)

    def _authorize(self, work: Any) -> None:
        self.app.call_desk(
            work,
            lambda step: self.app.show_step(self.app.flow, step),
            lambda exc: setattr(self, "message", self.explained(exc)),
        )

    def on_card_failed(self, key: str) -> None:
        self.message = self.app.t(key)


class AgentReviewScreen(AgentScreen):
    """核对 and 提交."""

    summary = StringProperty("")
    message = StringProperty("")

    def clear(self) -> None:
        self.summary = self.message = ""

    def refresh(self) -> None:
        self.clear()
        step, case_id = self.app.step, self.app.case_id
        self.app.call_desk(lambda desk: desk.cases.case(case_id), lambda c: self._shown(step, c))

    def _shown(self, step: Any, case: Any) -> None:
        from devices.idcard.idnumber import mask_id_number

        t = self.app.t
        lines = [
            f"[b]{step.item_name}[/b]",
            t(
                "agent.ui.review.applicant",
                name=step.applicant_name,
                id=mask_id_number(step.id_number),
            ),
        ]
        lines += [f"{line.label}：{line.value}" for line in step.lines]
        lines += [t("agent.ui.photos_of", name=m.name, count=m.attachments) for m in case.materials]
        method = ((case.agent or {}).get("authorization") or {}).get("method", "")
        lines.append(t(f"agent.ui.review.authorization.{method or 'none'}"))
        if case.summary.revision:
            lines.append(t("agent.ui.review.revision", revision=case.summary.revision + 1))
        self.summary = "\n".join(lines)
        self.message = ""

    def submit(self) -> None:
        """提交: the flow finalises and locks the case; it waits for the link."""
        flow = self.app.flow
        self.app.call_desk(
            lambda desk: flow.submit(desk),
            lambda step: self.app.show_step(flow, step),
            lambda exc: setattr(self, "message", self.explained(exc)),
        )
