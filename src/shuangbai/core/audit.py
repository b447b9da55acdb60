"""Writing the audit log. Every service that changes programme data, and every view of a personal-data
page, calls `audit_record`; the request's source address comes from the middleware's context variable."""

from __future__ import annotations

import contextvars
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from .models import AuditAction, AuditEntry, User

current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)


def client_ip(request) -> str | None:
    # Behind the deployment's reverse proxy the first X-Forwarded-For hop is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.HTTPS else ""
    return (forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR")) or None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # the audit log is JSON
    return value


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value differs."""
    return {
        name: [_plain(before.get(name)), _plain(value)]
        for name, value in after.items()
        if before.get(name) != value
    }


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    changes: dict | None = None,
    region_code: str | None = None,
    actor_name: str | None = None,
    object_repr: str | None = None,
) -> AuditEntry:
    if region_code is None:
        region_code = getattr(obj, "region_code", None) or (actor.home_region_code if actor else "")
    return AuditEntry.objects.create(
        actor=actor,
        actor_name=actor_name if actor_name is not None else (actor.username if actor else ""),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        changes=changes or {},
        region_code=region_code,
        ip=current_ip.get(),
    )


def login_locked(username: str, ip: str | None) -> bool:
    """A run of failed logins for this username from this address, since its last success, within the window."""
    since = timezone.now() - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    entries = AuditEntry.objects.unscoped("login failures of a username, before anyone is logged in")
    entries = entries.filter(actor_name=username, ip=ip, at__gte=since)
    last_ok = entries.filter(action=AuditAction.LOGIN).order_by("-at").values_list("at", flat=True).first()
    failures = entries.filter(action=AuditAction.LOGIN_FAILED)
    if last_ok:
        failures = failures.filter(at__gt=last_ok)
    return failures.count() >= settings.LOGIN_FAILURE_LIMIT
