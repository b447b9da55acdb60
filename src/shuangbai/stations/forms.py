from django import forms

from shuangbai.core.forms import DateInput, VersionedForm
from shuangbai.regions.models import Region

from .models import SiteStatus


class SiteForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    address = forms.CharField(label="地址", max_length=200, required=False)
    phone = forms.RegexField(
        label="联系电话",
        regex=r"^[0-9\-+ ]{5,20}$",
        required=False,
        error_messages={"invalid": "联系电话只能包含数字、空格、“-”和“+”，5到20位。"},
    )
    opened_on = forms.DateField(label="启用日期", required=False, widget=DateInput())
    status = forms.ChoiceField(label="状态", choices=SiteStatus.choices)


class StationForm(SiteForm):
    pass


class StationEditForm(VersionedForm, StationForm):
    pass


class PointForm(SiteForm):
    village = forms.ModelChoiceField(
        label="所在村（居）", queryset=Region.objects.none(), required=False, empty_label="（不指定）"
    )

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        if villages is not None:
            self.fields["village"].queryset = villages


class PointEditForm(VersionedForm, PointForm):
    pass
