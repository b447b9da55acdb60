from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .audit import client_ip, login_locked
from .models import AuditAction

T = TypeVar("T")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TelInput(forms.TextInput):
    """A phone number: the phone shows its number pad."""

    input_type = "tel"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "tel", "autocomplete": "off"} | (attrs or {}))


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultiplePhotoInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


class VersionedForm(forms.Form):
    """Carries the version the user started editing from, for the optimistic check."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class RetireForm(VersionedForm):
    on_date = forms.DateField(label="撤销日期", widget=DateInput())
    reason = forms.CharField(label="撤销原因", max_length=200)


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。",
        "inactive": "该账号已停用。",
        "locked": "该账号在本地址连续登录失败次数过多，已暂时锁定，请 %(minutes)s 分钟后再试。",
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        if username and login_locked(username, client_ip(self.request)):
            raise forms.ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.LOGIN_FAILURE_WINDOW_MINUTES},
            )
        return super().clean()


class AuditSearchForm(forms.Form):
    user = forms.CharField(label="用户名", required=False)
    object = forms.CharField(label="对象（名称或编号）", required=False)
    action = forms.ChoiceField(label="操作", required=False, choices=[("", "全部")] + AuditAction.choices)
    date_from = forms.DateField(label="起始日期", required=False, widget=DateInput())
    date_to = forms.DateField(label="截止日期", required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data


@dataclass(frozen=True)
class Submission(Generic[T]):
    """What `submit` made of a form: true when the service ran, with what it returned as `value`; false when
    the form was not posted, did not validate, or the service refused it (its errors are then on the form)."""

    done: bool
    value: T | None = None

    def __bool__(self) -> bool:
        return self.done


def submit(
    form: forms.Form, run: Callable[[dict[str, Any]], T], *others: forms.Form | forms.BaseFormSet
) -> Submission[T]:
    """Run a posted form through its service: `run` gets the form's cleaned data and calls the service.

    Every page that writes through a service does the same steps: check the form (and any `others` posted with
    it, which must be valid too), call the service, and when the service refuses with a ValidationError put
    each of its messages back on the form that has the field it names, so the page shows them where the user
    typed. Written once here, every page maps a service's errors the same way:

        if done := submit(form, lambda data: services.thing_create(actor=request.user, **data)):
            messages.success(request, "...")
            return redirect(done.value)

    An unbound form (a GET, an empty POST) is not submitted. Every form is validated, so each shows its own
    errors; a formset among `others` must be valid too, but takes no service error (it has no fields of its
    own). Any other exception of the service goes up as before."""
    valid = [f.is_valid() for f in (form, *others)]  # every one, not only up to the first invalid
    if not all(valid):
        return Submission(False)
    try:
        value = run(form.cleaned_data)
    except ValidationError as error:
        _apply_service_errors(form, error, *others)
        return Submission(False)
    return Submission(True, value)


def _apply_service_errors(
    form: forms.Form, error: ValidationError, *others: forms.Form | forms.BaseFormSet
) -> None:
    """Put a service's ValidationError on the form that has the field it names (`form`, or one of `others`
    where a page posts several); errors of no field, or of a field no form has, go on `form` as a whole."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = next((f for f in (form, *others) if field in getattr(f, "fields", ())), None)
        if target is None:
            form.add_error(None, errors)
        else:
            target.add_error(field, errors)
