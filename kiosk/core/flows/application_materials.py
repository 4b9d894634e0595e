"""我要办, the materials checklist (a bundle's merged) and an agent's authorization."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from kiosk.core.cases import Case, MaterialCheck
from kiosk.core.flows.application_draft import ApplicationDraft
from kiosk.core.flows.application_steps import AuthorizationStep, MaterialsStep
from kiosk.core.flows.base import Channel, FlowServices, Result, uses_services


class MaterialsPages(ApplicationDraft):
    """The checklist and the authorization (a part of the flow)."""

    def _materials(self, services: FlowServices) -> MaterialsStep:
        assert self.item is not None
        return MaterialsStep(
            item_name=self.item.name,
            materials=self._checklist(self._cases(services)),
            **self._page(after_form=1),
        )

    def _checklist(self, cases: list[Case]) -> tuple[MaterialCheck, ...]:
        """The drafts' checklist: a bundle's merged materials are lines ``0``, ``1``...,
        ticked when every case needing them has them ticked."""
        if self.bundle is None:
            return cases[0].materials
        lines = {
            (code, m.code): m
            for code, case in zip(self.case_ids, cases, strict=True)
            for m in case.materials
        }
        merged = []
        for i, m in enumerate(self.bundle.materials):
            uses = [lines[use] for use in m.used_by if use in lines]
            checked = all(line.checked for line in uses)
            attached = min((line.attachments for line in uses), default=0)
            merged.append(
                MaterialCheck(str(i), m.name, m.originals, m.copies, m.required, checked, attached)
            )
        return tuple(merged)

    @uses_services()
    def materials_done(self, services: FlowServices, ticked: Collection[str]) -> Result:
        """下一步 on the checklist: ``ticked`` (the codes of the lines ticked) is stored;
        then the authorization (an agent's case) or the review."""
        if self.bundle is None:
            (case_id,) = self.case_ids.values()
            for m in services.cases.case(case_id).materials:
                services.cases.check_material(case_id, m.code, m.code in ticked)
        else:
            assert self.bundle_id is not None
            for i, m in enumerate(self.bundle.materials):
                services.cases.check_bundle_material(self.bundle_id, m, str(i) in ticked)
        if self.channel is Channel.KIOSK:
            # At the kiosk nothing can be attached: a required paper not brought stops here,
            # on the page where it can be ticked, not at 确认提交.
            step = self._materials(services)
            missing = tuple(m.name for m in step.materials if not m.satisfied)
            if missing:
                return dataclasses.replace(step, missing=missing)
        if self.channel is Channel.AGENT and not self.authorized:
            assert self.item is not None
            return AuthorizationStep(item_name=self.item.name, **self._page(after_form=2))
        return self._review(services)

    @uses_services()
    def authorize(
        self, services: FlowServices, method: str, attachment_id: str | None = None
    ) -> Result:
        """The applicant authorised the agent (``signature``, with the consent attachment,
        or ``id_card_present``): the review next."""
        for case_id in self.case_ids.values():
            services.cases.authorize(case_id, method, attachment_id)
        self.authorized = True
        return self._review(services)
