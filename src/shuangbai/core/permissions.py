from django.core.exceptions import PermissionDenied

from .models import User


def require_manage_org(user: User) -> None:
    """Bureau roles manage stations, points and staff. Called after the object was found in scope, so a
    refusal here confirms nothing the user could not already see."""
    if not user.can_manage_org:
        raise PermissionDenied


def require_personal_data(user: User) -> None:
    from django.http import Http404

    if not user.sees_personal_data:
        raise Http404
