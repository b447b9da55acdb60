from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .audit import audit_record
from .forms import AuditSearchForm, LoginForm
from .models import AuditAction
from .permissions import requires
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
    return render(request, "core/form.html", {"form": form, "title": "修改密码", "submit": "保存新密码"})


@require_GET
@requires("audit.view")
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
    return render(request, "core/audit_log.html", {"form": form, "page": page})


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
