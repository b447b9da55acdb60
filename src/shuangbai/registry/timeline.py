"""A beneficiary's timeline: registration, exit and merges now; visits, cases, assistance and activities add
their events by registering a provider (`@timeline_provider`) in their own app."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from shuangbai.core.scoping import unscoped

from .models import Beneficiary


@dataclass(frozen=True)
class Event:
    day: date
    kind: str  # short Chinese label: 建档, 退出, 合并, 走访 ...
    text: str
    url: str = ""


Provider = Callable[[Beneficiary], Iterable[Event]]
PROVIDERS: list[Provider] = []


def timeline_provider(provider: Provider) -> Provider:
    PROVIDERS.append(provider)
    return provider


@timeline_provider
def _registry_events(person: Beneficiary) -> Iterable[Event]:
    by = f"，建档人：{person.registered_by}" if person.registered_by_id else ""
    yield Event(person.registered_on, "建档", f"在{person.station.name}建档立卡{by}")
    for merged in person.merged_records.all():
        yield Event(merged.updated_at.date(), "合并", f"重复记录（编号{merged.pk}）并入本记录")
    if person.exited_on:
        yield Event(
            person.exited_on,
            "退出",
            f"{person.get_exit_reason_display()}{'：' + person.exit_note if person.exit_note else ''}",
        )


def timeline(person: Beneficiary) -> list[Event]:
    with unscoped("a person's own history; the person was found in the reader's scope"):
        events = [event for provider in PROVIDERS for event in provider(person)]
    return sorted(events, key=lambda event: event.day, reverse=True)
