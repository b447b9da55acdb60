"""Writing the audit log. Every service that changes programme data, and every view of a personal-data
page, calls `audit_record`; the request's source address comes from the middleware's context variable."""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from .idnumber import mask
from .models import AuditAction, AuditChainHead, AuditEntry, User

current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("current_ip", default=None)


def client_ip(request) -> str | None:
    """The address the request came from. X-Forwarded-For is written by whoever sends the request, so only
    the hops appended by the proxies the deployment names (SHUANGBAI_TRUSTED_PROXIES) are believed: from the
    right, past the trusted proxies, the first other address is the client. Without trusted proxies the header
    is ignored (a forged first hop neither escapes a lockout nor locks out somebody else)."""
    address = request.META.get("REMOTE_ADDR") or None
    trusted = settings.TRUSTED_PROXIES
    if not trusted or address not in trusted:
        return address
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return address


class NoStoreMiddleware:
    """Nothing the app answers a signed-in user (a person's page, a list, an export, a revealed number) is kept
    by the browser's or a proxy's cache: a shared office computer shows nothing after logout. Static files are
    answered before this (WhiteNoise) and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
        if signed_in and "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "private, no-store"
        return response


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
    entry = AuditEntry(
        at=timezone.now(),
        actor=actor,
        actor_name=actor_name if actor_name is not None else (actor.username if actor else ""),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(object_repr or (str(obj) if obj is not None else ""))[:200],
        # as the database will give it back (JSON), so that the chain's hash is the same when verified
        changes=json.loads(json.dumps(changes or {}, cls=DjangoJSONEncoder)),
        region_code=region_code,
        ip=current_ip.get(),
    )
    with transaction.atomic():
        # One statement locks the head and reads it (the next writer waits here until this entry is in: one
        # chain, no fork); the entry then goes in with its hash, and the head moves on. Three statements.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_auditchainhead SET last_id = last_id WHERE id = 1 RETURNING last_id, last_chain"
            )
            head = cursor.fetchone()
        if head is None:
            AuditChainHead.objects.get_or_create(pk=1)
            head = (None, "")
        entry.previous_id = head[0]
        entry.chain = chain_of(entry, head[1])
        entry.save()
        AuditChainHead.objects.filter(pk=1).update(last_id=entry.pk, last_chain=entry.chain)
    return entry


_ID_NUMBER = re.compile(r"\d{14}[\dXx]{1,4}")


def audited(what: str):
    """A page that shows people: every GET it answers 200 (a full page or an htmx partial) is one audit entry
    naming the page, its record (the URL's path) and its filters (the query, any ID number in it masked)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if request.method == "GET" and response.status_code == 200 and request.user.is_authenticated:
                query = _ID_NUMBER.sub(lambda m: mask(m.group(0)), request.GET.urlencode())
                audit_record(
                    actor=request.user,
                    action=AuditAction.VIEW,
                    object_repr=f"{what}：{request.path}" + (f"?{query}" if query else ""),
                )
            return response

        return wrapper

    return decorator


def _chain_key() -> bytes:
    # from the field key (kept for as long as the data it decrypts), not the session key, which may rotate
    return hashlib.sha256(b"shuangbai audit chain\0" + settings.FIELD_ENCRYPTION_KEY.encode()).digest()


def chain_of(entry: AuditEntry, previous_chain: str) -> str:
    """The keyed hash of an entry's content, the entry it follows and that entry's hash."""
    content = [
        entry.at.astimezone(UTC).isoformat(),
        entry.actor_id,
        entry.actor_name,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.object_repr,
        entry.changes,
        entry.region_code,
        entry.ip,
        entry.previous_id,
        previous_chain,
    ]
    message = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return hmac.new(_chain_key(), message, hashlib.sha256).hexdigest()


def audit_verify() -> tuple[int, list[str]]:
    """Walk the whole log: (entries checked, problems in Chinese, each naming the entry). Finds an entry edited
    or inserted directly (its hash no longer matches, or it copies another's place in the chain) and one
    deleted (the entry after it names an entry that is gone)."""
    entries = AuditEntry.objects.unscoped("the whole log, to verify its chain").order_by("id")
    chains: dict[int, str] = {}
    follower: dict[int | None, int] = {}
    problems: list[str] = []
    count = 0
    for entry in entries.iterator(chunk_size=2000):
        count += 1
        chains[entry.pk] = entry.chain
        if entry.previous_id in follower:
            problems.append(
                f"第{entry.pk}条与第{follower[entry.previous_id]}条接在同一条之后：其中一条是在数据库中直接插入的。"
            )
        follower.setdefault(entry.previous_id, entry.pk)
        if entry.previous_id is not None and entry.previous_id not in chains:
            # its own hash cannot be checked without the one it follows
            problems.append(f"第{entry.previous_id}条已被删除（第{entry.pk}条的前一条）。")
            continue
        previous = chains.get(entry.previous_id, "") if entry.previous_id is not None else ""
        if not hmac.compare_digest(entry.chain, chain_of(entry, previous)):
            problems.append(f"第{entry.pk}条的内容与校验链不符：被直接修改或在数据库中直接插入。")
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_id is not None and head.last_id not in chains:
        problems.append(f"第{head.last_id}条（最新一条）已被删除。")
    return count, problems


def login_locked(username: str, ip: str | None) -> bool:
    """Locked: a run of failed logins for this username from this address (LOGIN_FAILURE_LIMIT), or from any
    addresses (LOGIN_USER_FAILURE_LIMIT: guessing spread over many machines), within the window and since the
    last success there or a bureau user's release. The lock lifts by itself when the window has passed."""
    since = timezone.now() - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    log = AuditEntry.objects.unscoped("login failures of a username, before anyone is logged in")
    account = User.objects.filter(username=username).values_list("pk", flat=True).first()
    if account is not None:
        releases = log.filter(action=AuditAction.UNLOCK, object_type="core.user", object_id=str(account))
        since = max(since, releases.filter(at__gte=since).aggregate(last=models.Max("at"))["last"] or since)
    entries = log.filter(actor_name=username, at__gt=since)

    def failures_after_success(of) -> int:
        last_ok = of.filter(action=AuditAction.LOGIN).aggregate(last=models.Max("at"))["last"]
        failures = of.filter(action=AuditAction.LOGIN_FAILED)
        return (failures.filter(at__gt=last_ok) if last_ok else failures).count()

    if failures_after_success(entries.filter(ip=ip)) >= settings.LOGIN_FAILURE_LIMIT:
        return True
    return failures_after_success(entries) >= settings.LOGIN_USER_FAILURE_LIMIT


def _in_region(actor: User, account: User) -> bool:
    from .scoping import scope_of

    scope = scope_of(actor)
    return scope.everything or scope.covers_code(account.home_region_code)


def locked_accounts(user: User) -> list[str]:
    """The accounts of the user's region that are locked now, for a bureau user to release."""
    since = timezone.now() - timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    tried = set(
        AuditEntry.objects.unscoped("failed logins, to list the locked accounts of a bureau's region")
        .filter(action=AuditAction.LOGIN_FAILED, at__gte=since)
        .values_list("actor_name", flat=True)
    )
    accounts = User.objects.filter(username__in=tried).select_related("scope_region", "scope_station")
    return sorted(
        account.username
        for account in accounts
        if _in_region(user, account) and login_locked(account.username, None)
    )


def login_release(*, actor: User, username: str) -> None:
    """A bureau user lifts the lock on an account of their region (a colleague who mistyped); audited."""
    from django.core.exceptions import ValidationError

    from .permissions import require

    require(actor, "account.unlock")
    account = User.objects.filter(username=username).select_related("scope_region", "scope_station").first()
    if account is None or not _in_region(actor, account):
        raise ValidationError("没有这个账号，或不在您的管辖范围内。")
    audit_record(
        actor=actor,
        action=AuditAction.UNLOCK,
        obj=account,
        region_code=account.home_region_code,
        object_repr=f"解除{username}的登录锁定",
    )
