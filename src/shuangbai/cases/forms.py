from __future__ import annotations

from django import forms
from django.utils import timezone

from shuangbai.core.forms import DateInput, VersionedForm
from shuangbai.registry.models import RiskLevel

from .models import Agency, AgencyKind, GoalStatus, Outcome, Source, StepStatus


def _today() -> dict:
    return {"initial": timezone.localdate}


class WorkerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class AgencyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return f"{obj.name}（{obj.get_kind_display()}）"


class IntakeForm(forms.Form):
    """Opening a case (接案)."""

    opened_on = forms.DateField(label="接案日期", widget=DateInput(), **_today())
    source = forms.ChoiceField(label="个案来源", choices=Source.choices)
    presenting_problem = forms.CharField(
        label="求助问题",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="服务对象或转介方提出的问题与需要。",
    )
    worker = WorkerChoice(label="负责社工", queryset=None, required=False, empty_label="（本人）")

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers


class CaseEditForm(VersionedForm):
    """Intake and assessment (预估) of an open case."""

    source = forms.ChoiceField(label="个案来源", choices=Source.choices)
    presenting_problem = forms.CharField(label="求助问题", widget=forms.Textarea(attrs={"rows": 3}))
    worker = WorkerChoice(label="负责社工", queryset=None, required=False, empty_label="（未指定）")
    assessed_on = forms.DateField(label="评估日期", required=False, widget=DateInput())
    problems = forms.CharField(label="主要问题", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    strengths = forms.CharField(label="优势与资源", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    risk_level = forms.ChoiceField(label="风险等级", choices=[("", "—"), *RiskLevel.choices], required=False)
    assessment_notes = forms.CharField(
        label="评估说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="含健康、精神状况等敏感信息，加密保存。",
    )

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers


class GoalForm(forms.Form):
    text = forms.CharField(label="目标", max_length=200)
    target_on = forms.DateField(label="目标日期", required=False, widget=DateInput())


class GoalStatusForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=GoalStatus.choices)
    target_on = forms.DateField(label="目标日期", required=False, widget=DateInput())


class NoteForm(forms.Form):
    written_on = forms.DateField(label="服务日期", widget=DateInput(), **_today())
    text = forms.CharField(label="记录内容", widget=forms.Textarea(attrs={"rows": 5}))


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label="督导日期", widget=DateInput(), **_today())
    comment = forms.CharField(label="督导意见", widget=forms.Textarea(attrs={"rows": 4}))


class CloseForm(VersionedForm):
    closed_on = forms.DateField(label="结案日期", widget=DateInput(), **_today())
    outcome = forms.ChoiceField(label="结案类别", choices=[("", "请选择"), *Outcome.choices])
    reason = forms.CharField(label="结案说明", widget=forms.Textarea(attrs={"rows": 3}))


class ExemplaryForm(VersionedForm):
    nickname = forms.CharField(label="化名", max_length=10, help_text="如“小Q”“小陈”：不用真实姓名。")
    title = forms.CharField(label="案例标题", max_length=100)
    text = forms.CharField(
        label="案例正文",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="可公开发布：不得含姓名、身份证号、电话号码和详细住址，保存时自动检查。",
    )


class ReferralForm(forms.Form):
    agency = AgencyChoice(label="转介至", queryset=None, empty_label="请选择")
    purpose = forms.CharField(label="转介事由", max_length=200, help_text="如：送医住院治疗、申请残疾人证")
    referred_on = forms.DateField(label="转介日期", widget=DateInput(), **_today())
    first_agency = AgencyChoice(
        label="首先经由",
        queryset=None,
        required=False,
        empty_label="（直接转至上述机构）",
        help_text="个案先经另一机构（如异地救助站）再转至上述机构时选择。",
    )
    notes = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["first_agency"].queryset = agencies


class StepForm(forms.Form):
    on_date = forms.DateField(label="日期", widget=DateInput(), **_today())
    status = forms.ChoiceField(label="进展", choices=StepStatus.choices)
    agency = AgencyChoice(
        label="机构",
        queryset=None,
        required=False,
        empty_label="（转介机构）",
        help_text="转至下一机构时选择。",
    )
    notes = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class AgencyForm(forms.Form):
    name = forms.CharField(label="机构名称", max_length=100)
    kind = forms.ChoiceField(label="机构类型", choices=AgencyKind.choices)
    region = forms.CharField(
        label="所在区域代码", max_length=12, required=False, help_text="可不填；如 445322000000（郁南县）。"
    )


class AgencyEditForm(AgencyForm):
    active = forms.BooleanField(label="启用", required=False)
