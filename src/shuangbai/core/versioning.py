"""Optimistic version check for records two people may edit at once, and the soft retirement of records."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone

from .audit import audit_record, field_changes
from .models import AuditAction, User

STALE_MESSAGE = "此记录已被他人修改（您打开后有新的保存），为免覆盖，本次未保存。请刷新页面，核对后重新修改。"


class VersionedModel(models.Model):
    version = models.PositiveIntegerField("版本", default=1, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class RetirableModel(VersionedModel):
    """Programme records are never deleted by their users: they are retired with a reason."""

    retired_on = models.DateField("撤销日期", null=True, blank=True)
    retired_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        abstract = True

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None


def update_versioned(
    obj: VersionedModel,
    *,
    actor: User,
    expected_version: int,
    changes: dict[str, Any],
    action=AuditAction.CHANGE,
    redact: Callable[[dict], dict] | None = None,
) -> VersionedModel:
    """Apply `changes` if nobody saved the record since `expected_version` was read; audit what changed
    (through `redact` first, where the values are personal data the log should not keep in clear)."""
    before = {name: getattr(obj, name) for name in changes}
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.full_clean()
    now = timezone.now()
    updated = (
        type(obj)
        ._base_manager.filter(pk=obj.pk, version=expected_version)
        .update(**changes, version=F("version") + 1, updated_at=now)
    )
    if not updated:
        raise ValidationError(STALE_MESSAGE, code="stale")
    obj.version = expected_version + 1
    obj.updated_at = now
    diff = field_changes(before, changes)
    if redact is not None:
        diff = redact(diff)
    if diff:
        audit_record(actor=actor, action=action, obj=obj, changes=diff)
    return obj
