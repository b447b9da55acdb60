from django import forms

from shuangbai.core.forms import DateInput, TelInput, VersionedForm
from shuangbai.regions.models import Region

from .models import EquipmentItem, SiteStatus


class SiteForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    address = forms.CharField(label="地址", max_length=200, required=False)
    phone = forms.RegexField(
        label="联系电话",
        regex=r"^[0-9\-+ ]{5,20}$",
        required=False,
        widget=TelInput(),
        error_messages={"invalid": "联系电话只能包含数字、空格、“-”和“+”，5到20位。"},
    )
    opened_on = forms.DateField(label="启用日期", required=False, widget=DateInput())
    status = forms.ChoiceField(label="状态", choices=SiteStatus.choices)
    planned_year = forms.IntegerField(
        label="应建年度",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "min_value": "应建年度应为2000至2100年之间的年份。",
            "max_value": "应建年度应为2000至2100年之间的年份。",
        },
    )
    built_on = forms.DateField(label="建成日期", required=False, widget=DateInput())
    office_secured_on = forms.DateField(label="落实办公场所日期", required=False, widget=DateInput())


class StationForm(SiteForm):
    pass


class StationEditForm(VersionedForm, StationForm):
    pass


class PointForm(SiteForm):
    village = forms.ModelChoiceField(
        label="所在村（居）", queryset=Region.objects.none(), required=False, empty_label="（不指定）"
    )
    population = forms.IntegerField(
        label="服务村（居）人口",
        required=False,
        min_value=0,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text="所在村（居）的户籍人口，社工站的服务范围按各点合计。",
    )

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        if villages is not None:
            self.fields["village"].queryset = villages


class PointEditForm(VersionedForm, PointForm):
    pass


class ProgressTableForm(forms.Form):
    as_of = forms.DateField(
        label="截至日期", widget=DateInput(), error_messages={"invalid": "截至日期格式不对。"}
    )
    start = forms.DateField(
        label="培训统计起始日期",
        required=False,
        widget=DateInput(),
        help_text="不填则从截至日期当年1月1日起统计培训次数。",
        error_messages={"invalid": "培训统计起始日期格式不对。"},
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("as_of") and data["start"] > data["as_of"]:
            self.add_error("start", "培训统计起始日期不能晚于截至日期。")
        return data


class EquipmentForm(forms.Form):
    items = forms.MultipleChoiceField(
        label="已配备的设备设施",
        choices=EquipmentItem.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "没有“%(value)s”这一设备设施项目。"},
    )
    effective_on = forms.DateField(
        label="生效日期", widget=DateInput(), help_text="自该日起按此清单计算设备设施情况。"
    )


class ProgressReportForm(forms.Form):
    effective_on = forms.DateField(label="生效日期", widget=DateInput(), help_text="自该日起的情况。")
    plan_issued = forms.BooleanField(label="已出台实施方案", required=False)
    plan_issued_on = forms.DateField(label="方案出台日期", required=False, widget=DateInput())
    plan_document = forms.CharField(label="方案文件（文号或名称）", max_length=200, required=False)
    coordination = forms.BooleanField(label="已建立工作协调机制", required=False)
    management = forms.BooleanField(label="已建立站点管理机制", required=False)
    funding_requested = forms.BooleanField(label="已申请经费", required=False)
    funding_approved = forms.BooleanField(label="经费已批复", required=False)
    funding_amount = forms.DecimalField(
        label="经费数额（万元）", required=False, max_digits=10, decimal_places=2, min_value=0
    )
    funding_note = forms.CharField(
        label="落实经费情况（按表中原话填写）",
        max_length=300,
        required=False,
        help_text="如“已落实，165.7万元。”“正在测算费用，拟报区政府。”；不填则按上面的勾选生成。",
    )
