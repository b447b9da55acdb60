"""What the project's management commands share."""

from django.core.management.base import CommandError

from .models import User


def user_named(username: str) -> User:
    """The active account a command acts as (--as USERNAME), or a Chinese CommandError."""
    user = User.objects.filter(username=username, is_active=True).select_related("scope_region").first()
    if user is None:
        raise CommandError(f"找不到用户“{username}”（或该用户已停用）。")
    return user
