from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import sessions
from .audit import audit_record
from .models import AuditAction, User


@receiver(user_logged_in)
def _audit_login(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditAction.LOGIN, obj=user, region_code=user.home_region_code)
    if request is not None and hasattr(request, "session"):
        sessions.start(request.session, user)


@receiver(user_logged_out)
def _audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGOUT, obj=user, region_code=user.home_region_code)


@receiver(user_login_failed)
def _audit_login_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the username is kept. Filed under the
    # account's own region, when the account exists, so that its bureau sees attempts on it.
    username = str(credentials.get("username", ""))[:150]
    account = User.objects.filter(username=username).select_related("scope_region", "scope_station").first()
    audit_record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        actor_name=username,
        region_code=account.home_region_code if account else "",
    )
