"""One case of the agent's: where it is, what the platform said, and what the agent can do
(继续办 a draft, 补正 a case the platform sent back, or the words of a refusal)."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.agent.overlays import AgentQuestion
from kiosk.agent.screens.base import AgentScreen


class AgentCaseScreen(AgentScreen):
    """One case: where it is, what the platform said, what the agent can do."""

    title_text = StringProperty("")
    body = StringProperty("")
    problem = StringProperty("")
    action = StringProperty("")  # continue | correct | ""

    def clear(self) -> None:
        self.title_text = self.body = self.problem = self.action = ""

    def refresh(self) -> None:
        self.clear()
        case_id = self.app.case_id

        def read(desk: Any) -> tuple[Any, Any, Any]:
            delivery = desk.cases.case(case_id).result_delivery
            return desk.line(case_id), desk.cases.timeline(case_id), delivery

        self.app.call_desk(read, self._shown)

    def _shown(self, result: tuple[Any, Any, Any]) -> None:
        from devices.idcard.idnumber import mask_id_number
        from kiosk.agent.screens.words import case_tag
        from kiosk.core.flows.delivery import review_text

        line, timeline, delivery = result
        t = self.app.t
        tag, _role = case_tag(t, line)
        self.title_text = line.item_name
        lines = [
            t(
                "agent.ui.review.applicant",
                name=line.applicant_name,
                id=mask_id_number(line.id_number),
            ),
            t("agent.ui.case.state", state=tag),
        ]
        if line.case_no:
            lines.append(t("agent.ui.case.case_no", case_no=line.case_no))
        if line.promised_date and line.delivery != "dead":
            lines.append(t("agent.ui.case.promised", date=line.promised_date.isoformat()))
        if delivery is not None:  # how the result comes, to tell the villager
            said = review_text(delivery, self.app.messages)
            lines.append(f"{t('delivery.review')}：{said}")
        if line.reason:
            lines.append(t("agent.ui.case.reason", reason=line.reason))
        for entry in timeline:
            label = (
                t(f"agent.status.{entry.status}")
                if entry.status != "submitted"
                else t("agent.ui.state.submitted")
            )
            lines.append(f"· {self.app.local_time(entry.at)}  {label}")
        self.body = "\n".join(lines)
        self.problem = ""
        if line.problem:
            self.problem = f"{t(line.problem)}\n{t('agent.ui.case.cause', cause=line.detail or '')}"
        if line.state == "draft":
            self.action = "continue"
        elif line.needs_correction and line.delivery == "delivered":
            self.action = "correct"
        else:
            self.action = ""

    def act(self) -> None:
        """继续办 (a draft, taken up by the flow) or 补正 (the next revision, after a question)."""
        if self.action == "continue":
            self._resume(correct=False)
            return
        question = AgentQuestion(
            text=self.app.t("agent.ui.correct_question"),
            yes_text=self.app.t("agent.ui.correct"),
            no_text=self.app.t("agent.ui.cancel"),
        )
        question.bind(on_yes=lambda _q: self._resume(correct=True))
        question.open(animation=False)

    def _resume(self, *, correct: bool) -> None:
        case_id = self.app.case_id

        def resume(desk: Any) -> tuple[Any, Any]:
            if correct:
                desk.start_correction(case_id)
            flow = desk.application()
            return flow, flow.resume(desk, case_id)

        self.app.call_desk(resume, lambda resumed: self.app.show_step(*resumed))
