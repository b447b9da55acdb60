from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import sessions
from .audit import audit_record, audited, locked_accounts, login_release
from .forms import AuditSearchForm, LoginForm
from .models import AuditAction
from .permissions import has_perm, requires
from .selectors import audit_search


class ShuangbaiLoginView(LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        audit_record(
            actor=user, action=AuditAction.PASSWORD_CHANGE, obj=user, region_code=user.home_region_code
        )
        messages.success(request, "密码已修改。")
        return redirect("home")
    return render(
        request,
        "core/form.html",
        {"form": form, "title": "修改密码", "submit": "保存新密码", "logout_everywhere": True},
    )


@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """退出其他设备: every other session of this user ends at its next request (a lost phone); audited."""
    sessions.end_everywhere(request.user)
    sessions.start(request.session, request.user)  # this one goes on
    audit_record(
        actor=request.user,
        action=AuditAction.LOGOUT,
        obj=request.user,
        region_code=request.user.home_region_code,
        object_repr=f"{request.user.username} 退出所有其他设备的登录",
    )
    messages.success(request, "已退出所有其他设备上的登录。")
    return redirect("password_change")


@require_GET
@requires("audit.view")
@audited("审计日志")
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    entries = audit_search(request.user)
    if form.is_valid():
        data = form.cleaned_data
        entries = audit_search(
            request.user,
            username=data["user"].strip(),
            obj=data["object"].strip(),
            action=data["action"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    locked = locked_accounts(request.user) if has_perm(request.user, "account.unlock") else []
    return render(request, "core/audit_log.html", {"form": form, "page": page, "locked": locked})


@requires("account.unlock")
@require_POST
def account_unlock(request: HttpRequest) -> HttpResponse:
    """A bureau user releases a locked account of their region (the lock would lift by itself later)."""
    username = request.POST.get("username", "")
    try:
        login_release(actor=request.user, username=username)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"已解除{username}的登录锁定。")
    return redirect("audit_log")


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
