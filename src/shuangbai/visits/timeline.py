"""Visits on the beneficiary's timeline: every visit to their household while they were registered."""

from __future__ import annotations

from collections.abc import Iterable

from shuangbai.registry.models import Beneficiary
from shuangbai.registry.timeline import Event, timeline_provider

from .models import Visit


@timeline_provider
def _visit_events(person: Beneficiary) -> Iterable[Event]:
    visits = Visit.objects.filter(household_id=person.household_id, visited_on__gte=person.registered_on)
    if person.exited_on:
        visits = visits.filter(visited_on__lte=person.exited_on)
    for visit in (
        visits.select_related("recorded_by").defer("health", "mental_notes").order_by("-visited_at")[:50]
    ):
        change = ""
        if visit.changed_person_id == person.pk:
            parts = []
            if visit.risk_after:
                parts.append(f"风险等级改为{visit.get_risk_after_display()}")
            if visit.level_after:
                parts.append(f"跟进级别改为{visit.get_level_after_display()}")
            change = "；" + "，".join(parts) + f"（{visit.change_reason}）"
        yield Event(
            visit.visited_on,
            "走访",
            f"{visit.get_kind_display()}，记录人：{visit.recorded_by or '系统导入'}{change}",
            visit.get_absolute_url(),
        )
