from __future__ import annotations

from django import forms
from django.utils import timezone

from shuangbai.core.forms import DateInput, VersionedForm

from .models import AssistanceStatus, Party

QUANTITY = {"min_value": 1, "max_value": 1_000_000}


class AssistanceForm(forms.Form):
    type = forms.ModelChoiceField(label="类型", queryset=None, empty_label="（请选择）")
    party = forms.ChoiceField(label="资源来源", choices=Party.choices, widget=forms.RadioSelect)
    giver = forms.CharField(
        label="提供方", max_length=100, required=False, help_text="如：区残联、街道妇联、爱心企业名称"
    )
    status = forms.ChoiceField(
        label="当前状态",
        choices=[(s, AssistanceStatus(s).label) for s in ("consult", "applying", "delivered")],
        help_text="需申请的待遇从“咨询”或“协助申请”开始；慰问金、物资等可直接登记“已发放”。",
    )
    on = forms.DateField(label="日期", widget=DateInput())
    amount = forms.DecimalField(
        label="金额（元）", required=False, min_value=0.01, max_digits=10, decimal_places=2
    )
    quantity = forms.IntegerField(label="数量", required=False, **QUANTITY)
    notes = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = types


class StepForm(VersionedForm):
    status = forms.ChoiceField(label="新状态", choices=())
    on = forms.DateField(label="日期", widget=DateInput())
    amount = forms.DecimalField(
        label="金额（元）",
        required=False,
        min_value=0.01,
        max_digits=10,
        decimal_places=2,
        help_text="批准或发放的金额（可不填）",
    )
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = choices


class AssistanceTypeForm(forms.Form):
    code = forms.SlugField(
        label="代码", max_length=40, help_text="英文小写与下划线，用于报表，如：housing_repair"
    )
    name = forms.CharField(label="名称", max_length=30)
    unit = forms.CharField(label="计量单位", max_length=10, required=False)
    is_application = forms.BooleanField(label="需申请审批（统计为“协助申请”）", required=False, initial=True)
    sort_order = forms.IntegerField(label="排序", min_value=0, max_value=32767, initial=100)


class BatchForm(forms.Form):
    holder = forms.ChoiceField(label="接收单位")
    item = forms.CharField(label="物资名称", max_length=40, help_text="如：健康包、棉被、棉衣")
    unit = forms.CharField(label="单位", max_length=6, help_text="如：份、床、件")
    quantity = forms.IntegerField(label="数量", **QUANTITY)
    party = forms.ChoiceField(label="来源", choices=Party.choices, widget=forms.RadioSelect)
    donor = forms.CharField(label="捐赠/下发单位", max_length=100, required=False)
    received_on = forms.DateField(label="接收日期", widget=DateInput())
    target_category = forms.ModelChoiceField(
        label="发放对象类别", queryset=None, required=False, empty_label="（不限）"
    )
    notes = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, holders, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.holders = {self.holder_key(place): place for place in holders}
        self.fields["holder"].choices = [
            (key, self.holder_label(place)) for key, place in self.holders.items()
        ]
        self.fields["target_category"].queryset = categories

    @staticmethod
    def holder_key(place) -> str:
        return f"station:{place.pk}" if hasattr(place, "town_id") else f"region:{place.code}"

    @staticmethod
    def holder_label(place) -> str:
        return place.name if hasattr(place, "town_id") else f"{place.name}民政局"


class AllocateForm(forms.Form):
    source = forms.ChoiceField(label="调出单位")
    target = forms.ChoiceField(label="调入单位")
    quantity = forms.IntegerField(label="数量", **QUANTITY)
    on = forms.DateField(label="调拨日期", widget=DateInput())
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, sources, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = {str(h.pk): h for h in sources}
        self.targets = {BatchForm.holder_key(t): t for t in targets}
        self.fields["source"].choices = [(k, h.name) for k, h in self.sources.items()]
        self.fields["target"].choices = [(k, BatchForm.holder_label(t)) for k, t in self.targets.items()]


class HandOutForm(forms.Form):
    """On a phone: the people ticked in searches within the station, how many each, when, by whom, a photo of
    the signed list or a note."""

    beneficiaries = forms.TypedMultipleChoiceField(
        label="领取人",
        coerce=int,
        choices=(),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": "请先搜索并勾选领取人（可多选）。"},
    )
    quantity = forms.IntegerField(
        label="每人数量", initial=1, **QUANTITY, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    handed_on = forms.DateField(label="发放日期", widget=DateInput())
    worker = forms.ModelChoiceField(label="发放社工", queryset=None, required=False, empty_label="（未指定）")
    photo = forms.FileField(
        label="签收照片",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    note = forms.CharField(
        label="签收说明", max_length=200, required=False, help_text="如：本人签收、家属代签"
    )

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        # any id may be posted; the view looks each one up in the user's scope
        self.fields["beneficiaries"].valid_value = lambda value: str(value).isdigit()


class ReturnForm(forms.Form):
    source = forms.ChoiceField(label="退回单位")
    quantity = forms.IntegerField(label="数量", **QUANTITY)
    on = forms.DateField(label="退回日期", widget=DateInput())
    reason = forms.CharField(label="退回原因", max_length=200)

    def __init__(self, *args, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = {str(h.pk): h for h in sources}
        self.fields["source"].choices = [
            (k, f"{h.name}（退至{h.parent.name}）") for k, h in self.sources.items()
        ]


def today_initial(**extra) -> dict:
    return {"on": timezone.localdate(), **extra}
