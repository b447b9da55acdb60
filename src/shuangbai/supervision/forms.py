from __future__ import annotations

from django import forms
from django.utils import timezone

from shuangbai.core.forms import DateInput

from .models import MAX_SCORE, InspectionKind, Method

RECOMMENDATION_ROWS = 5


class InspectionForm(forms.Form):
    """One page: when, who, how, a score or verdict per active check item, findings, recommendations."""

    visited_on = forms.DateField(label="检查日期", widget=DateInput())
    kind = forms.ChoiceField(label="类型", choices=InspectionKind.choices, widget=forms.RadioSelect)
    team = forms.CharField(
        label="检查组",
        max_length=200,
        help_text="来检查的单位和人员，如：省民政厅谢军、监测评估专家游华元",
    )
    lead = forms.ModelChoiceField(label="带队督导", queryset=None, required=False, empty_label="（无）")
    methods = forms.MultipleChoiceField(
        label="检查方式",
        choices=Method.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一种检查方式。"},
    )
    findings = forms.CharField(label="发现的情况", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, items, leads, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.fields["lead"].queryset = leads
        for item in self.items:
            self.fields[f"score_{item.pk}"] = forms.DecimalField(
                label=f"{item.name}评分",
                required=False,
                min_value=0,
                max_value=MAX_SCORE,
                max_digits=4,
                decimal_places=1,
                widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
            )
            self.fields[f"verdict_{item.pk}"] = forms.CharField(
                label=f"{item.name}结论", required=False, max_length=50
            )
        for n in range(1, RECOMMENDATION_ROWS + 1):
            self.fields[f"rec_text_{n}"] = forms.CharField(
                label=f"第{n}条意见建议",
                required=False,
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"rec_deadline_{n}"] = forms.DateField(
                label=f"第{n}条整改期限", required=False, widget=DateInput()
            )

    @property
    def item_rows(self) -> list:
        return [(item, self[f"score_{item.pk}"], self[f"verdict_{item.pk}"]) for item in self.items]

    @property
    def recommendation_rows(self) -> list:
        return [
            (n, self[f"rec_text_{n}"], self[f"rec_deadline_{n}"]) for n in range(1, RECOMMENDATION_ROWS + 1)
        ]

    @property
    def main_fields(self) -> list:
        return [self[name] for name in ("visited_on", "kind", "team", "lead", "methods", "findings")]

    def clean(self):
        data = super().clean()
        for n in range(1, RECOMMENDATION_ROWS + 1):
            if data.get(f"rec_deadline_{n}") and not (data.get(f"rec_text_{n}") or "").strip():
                self.add_error(f"rec_text_{n}", "填写了整改期限，请同时填写意见建议的内容。")
        return data

    def score_rows(self) -> list:
        data = self.cleaned_data
        rows = []
        for item in self.items:
            score, verdict = data.get(f"score_{item.pk}"), (data.get(f"verdict_{item.pk}") or "").strip()
            if score is not None or verdict:
                rows.append((item, score, verdict))
        return rows

    def recommendation_values(self) -> list:
        data = self.cleaned_data
        return [
            (data[f"rec_text_{n}"].strip(), data.get(f"rec_deadline_{n}"))
            for n in range(1, RECOMMENDATION_ROWS + 1)
            if (data.get(f"rec_text_{n}") or "").strip()
        ]


class DoneForm(forms.Form):
    done_on = forms.DateField(label="完成日期", widget=DateInput())
    note = forms.CharField(
        label="落实情况", required=False, max_length=200, help_text="如：已制定学习计划，每周共学一次"
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"done_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class CheckItemForm(forms.Form):
    name = forms.CharField(label="检查项目名称", max_length=30)
    sort_order = forms.IntegerField(label="排序", min_value=0, max_value=32767, initial=100)
