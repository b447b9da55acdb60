"""How long a sign-in lasts: it ends after a while without use (sooner for bureau roles, whose screens show a
whole region's people), after an absolute lifetime however busy, and everywhere at once when the user asks."""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect

from .models import BUREAU_ROLES, User

SIGNED_IN_AT, SEEN_AT, EPOCH = "signed_in_at", "seen_at", "session_epoch"
TOUCH_SECONDS = 60  # the last-seen time is written at most once a minute, not on every request


def start(session, user: User) -> None:
    """At sign-in (the user_logged_in signal)."""
    now = int(time.time())
    session[SIGNED_IN_AT] = session[SEEN_AT] = now
    session[EPOCH] = user.session_epoch


def idle_limit(user: User) -> int:
    minutes = settings.IDLE_MINUTES_BUREAU if user.role in BUREAU_ROLES else settings.IDLE_MINUTES
    return minutes * 60


def ended(session, user: User, now: float) -> str:
    """Why this sign-in is over (in Chinese), or ""."""
    if session.get(EPOCH, 0) != user.session_epoch:
        return "您已在所有设备上退出登录，请重新登录。"
    if now - session.get(SIGNED_IN_AT, now) > settings.SESSION_COOKIE_AGE:
        return "登录已超过最长时限，请重新登录。"
    if now - session.get(SEEN_AT, now) > idle_limit(user):
        return "长时间未操作，已自动退出，请重新登录。"
    return ""


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            reason = ended(request.session, user, now)
            if reason:
                path = request.get_full_path()
                logout(request)
                messages.info(request, reason)
                return redirect(f"{settings.LOGIN_URL_PATH}?{urlencode({'next': path})}")
            if now - request.session.get(SEEN_AT, 0) > TOUCH_SECONDS:
                request.session[SEEN_AT] = int(now)
        return self.get_response(request)


def end_everywhere(user: User) -> None:
    """退出所有设备: every session of the user ends at its next request (this one is started again)."""
    User.objects.filter(pk=user.pk).update(session_epoch=user.session_epoch + 1)
    user.session_epoch += 1
