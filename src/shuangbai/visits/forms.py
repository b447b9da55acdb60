from __future__ import annotations

import uuid
from datetime import datetime

from django import forms
from django.utils import timezone

from shuangbai.core.forms import DateInput, MultiplePhotoField, MultiplePhotoInput, TimeInput, VersionedForm
from shuangbai.registry.models import Household, RiskLevel

from .models import DEFAULT_LEVELS, MAX_INTERVAL_DAYS, Hazard, MentalState, Need, Visit, VisitKind
from .photos import MAX_PHOTOS
from .services import LATE_AFTER_DAYS


def _textarea(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class VisitFieldsForm(forms.Form):
    """What recording and amending a visit share: when, who, how, what was seen and what follows."""

    visited_on = forms.DateField(label="走访日期", widget=DateInput())
    visited_time = forms.TimeField(label="时间", widget=TimeInput())
    kind = forms.ChoiceField(label="走访方式", choices=VisitKind.choices, widget=forms.RadioSelect)
    workers = forms.ModelMultipleChoiceField(
        label="走访社工",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一名走访社工。"},
    )
    met = forms.ModelMultipleChoiceField(
        label="见到的服务对象", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    met_others = forms.CharField(
        label="见到的其他人", max_length=100, required=False, help_text="如：村委干部、邻居、监护人"
    )
    health = forms.CharField(label="身体状况", required=False, widget=_textarea())
    living = forms.CharField(label="生活状况", required=False, widget=_textarea())
    mental_state = forms.ChoiceField(
        label="精神状态", required=False, choices=[("", "—")] + MentalState.choices
    )
    mental_notes = forms.CharField(label="精神状态说明", required=False, widget=_textarea(1))
    hazards = forms.MultipleChoiceField(
        label="安全隐患", required=False, choices=Hazard.choices, widget=forms.CheckboxSelectMultiple
    )
    hazard_notes = forms.CharField(label="隐患说明", max_length=200, required=False)
    needs = forms.MultipleChoiceField(
        label="发现的需求", required=False, choices=Need.choices, widget=forms.CheckboxSelectMultiple
    )
    actions = forms.CharField(label="跟进措施", required=False, widget=_textarea())
    notes = forms.CharField(label="备注", required=False, widget=_textarea(1))
    late_reason = forms.CharField(
        label="补录原因",
        max_length=200,
        required=False,
        help_text=f"走访日期早于{LATE_AFTER_DAYS}天前时必填。",
    )
    late_after_days = LATE_AFTER_DAYS

    def __init__(self, *args, household: Household, staff, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.household = household
        self.fields["workers"].queryset = staff
        self.fields["met"].queryset = members
        self.fields["workers"].label_from_instance = lambda s: f"{s.name}（{s.get_position_display()}）"
        self.fields["met"].label_from_instance = lambda b: f"{b.name}（{b.get_relation_display()}）"

    def clean(self):
        data = super().clean()
        day, time = data.get("visited_on"), data.get("visited_time")
        if day and time:
            data["visited_at"] = timezone.make_aware(datetime.combine(day, time))
        return data

    def visit_values(self) -> dict:
        data = self.cleaned_data
        values = {name: data[name] for name in ("kind", "hazards", "needs")}
        values |= {
            name: data[name].strip() if isinstance(data[name], str) else data[name]
            for name in (
                "met_others", "health", "living", "mental_state", "mental_notes", "hazard_notes", "actions",
                "notes", "late_reason",
            )
        }  # fmt: skip
        values["visited_at"] = data["visited_at"]
        return values


class VisitForm(VisitFieldsForm):
    """Recording a visit, with a level change, the phone's location and photos."""

    changed_person = forms.ModelChoiceField(
        label="调整级别的对象", queryset=None, required=False, empty_label="（不调整）"
    )
    risk_after = forms.ChoiceField(
        label="新风险等级", required=False, choices=[("", "不变")] + RiskLevel.choices
    )
    level_after = forms.TypedChoiceField(
        label="新跟进级别", required=False, coerce=int, empty_value=None, choices=[]
    )
    change_reason = forms.CharField(label="调整原因", max_length=200, required=False)
    latitude = forms.DecimalField(
        label="纬度",
        required=False,
        min_value=-90,
        max_value=90,
        max_digits=9,
        decimal_places=6,
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        label="经度",
        required=False,
        min_value=-180,
        max_value=180,
        max_digits=9,
        decimal_places=6,
        widget=forms.HiddenInput,
    )
    location_accuracy = forms.IntegerField(
        label="定位精度", required=False, min_value=0, max_value=100_000, widget=forms.HiddenInput
    )
    photos = MultiplePhotoField(
        label="照片",
        required=False,
        help_text=f"最多{MAX_PHOTOS}张，每张不超过10 MB；保存时去除拍摄地点等信息。",
        widget=MultiplePhotoInput(attrs={"accept": "image/*"}),
    )
    client_token = forms.CharField(
        label="提交编号", min_length=36, max_length=36, required=False, widget=forms.HiddenInput
    )
    LOCATION = ("latitude", "longitude", "location_accuracy")

    def __init__(self, *args, level_names: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        names = level_names or {level: name for level, (name, _) in DEFAULT_LEVELS.items()}
        self.fields["level_after"].choices = [("", "不变")] + sorted(names.items())
        self.fields["changed_person"].queryset = self.fields["met"].queryset.filter(status="active")
        self.fields["changed_person"].label_from_instance = self.fields["met"].label_from_instance
        if not self.is_bound:
            self.initial.setdefault("client_token", str(uuid.uuid4()))

    def clean(self):
        data = super().clean()
        if (data.get("risk_after") or data.get("level_after")) and not data.get("changed_person"):
            self.add_error("changed_person", "调整风险等级或跟进级别时，请选择调整哪一位服务对象。")
        if data.get("changed_person") and not (data.get("risk_after") or data.get("level_after")):
            self.add_error("risk_after", "请选择新的风险等级或跟进级别（或不选调整对象）。")
        self._explain_hidden_errors()
        return data

    def _explain_hidden_errors(self) -> None:
        """The phone fills the hidden fields; when they are refused, say so where the worker can read it, and
        clear them so that the next 保存 goes through (without a position, or with a new submission number)."""
        bad = [name for name in (*self.LOCATION, "client_token") if name in self._errors]
        if not bad:
            return
        self.data = self.data.copy()
        if any(name in self.LOCATION for name in bad):
            details = "；".join(
                f"{self.fields[name].label}：{' '.join(self._errors[name])}"
                for name in bad
                if name in self.LOCATION
            )
            self.add_error(
                None,
                f"手机记录的位置无效（{details}），已清除；可重新点“使用当前位置”，或不记录位置直接保存。",
            )
            for name in self.LOCATION:
                self.data[name] = ""
        if "client_token" in bad:
            self.add_error(None, "本次提交的编号无效，已换一个新的编号；填写的内容都在，请再点“保存”。")
            self.data["client_token"] = str(uuid.uuid4())

    def visit_values(self) -> dict:
        data = self.cleaned_data
        values = super().visit_values()
        values |= {name: data[name] for name in ("latitude", "longitude", "location_accuracy")}
        values |= {
            "changed_person": data["changed_person"],
            "risk_after": data["risk_after"],
            "level_after": data["level_after"],
            "change_reason": data["change_reason"],
            "client_token": data["client_token"] or None,
            "photos": data["photos"],
            "workers": list(data["workers"]),
            "met": list(data["met"]),
        }
        return values


class VisitAmendForm(VersionedForm, VisitFieldsForm):
    reason = forms.CharField(label="修改原因", max_length=200)

    @classmethod
    def initial_for(cls, visit: Visit) -> dict:
        local = timezone.localtime(visit.visited_at)
        initial = {name: getattr(visit, name) for name in (
            "kind", "met_others", "health", "living", "mental_state", "mental_notes", "hazards", "hazard_notes",
            "needs", "actions", "notes", "late_reason",
        )}  # fmt: skip
        return initial | {
            "visited_on": local.date(),
            "visited_time": local.time().replace(second=0, microsecond=0),
            "workers": list(visit.workers.all()),
            "met": list(visit.met.all()),
            "version": visit.version,
        }


class LevelsForm(forms.Form):
    """A city's four follow-up levels: name and days between home visits."""

    def __init__(self, *args, current: dict[int, tuple[str, int]], **kwargs):
        super().__init__(*args, **kwargs)
        for level, (name, days) in sorted(current.items()):
            self.fields[f"name_{level}"] = forms.CharField(
                label=f"{level}级名称", max_length=30, initial=name
            )
            self.fields[f"days_{level}"] = forms.IntegerField(
                label=f"{level}级走访间隔（天）", min_value=1, max_value=MAX_INTERVAL_DAYS, initial=days
            )

    def levels(self) -> dict[int, tuple[str, int]]:
        data = self.cleaned_data
        return {level: (data[f"name_{level}"], data[f"days_{level}"]) for level in DEFAULT_LEVELS}


class VisitFilterForm(forms.Form):
    date_from = forms.DateField(label="起始日期", required=False, widget=DateInput())
    date_to = forms.DateField(label="截止日期", required=False, widget=DateInput())
    kind = forms.ChoiceField(label="走访方式", required=False, choices=[("", "全部")] + VisitKind.choices)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data
