from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from shuangbai.core.forms import (
    DateInput,
    MultiplePhotoField,
    MultiplePhotoInput,
    TelInput,
    TimeInput,
    VersionedForm,
)

from .models import Activity, ActivityKind, PartnerKind, Theme
from .photos import MAX_PHOTOS
from .services import materials_text, parse_materials

VOLUNTEER_ROWS = 4  # blank rows offered after the volunteers already named


def _textarea(rows: int = 3, placeholder: str = "") -> forms.Textarea:
    attrs = {"rows": rows}
    if placeholder:
        attrs["placeholder"] = placeholder
    return forms.Textarea(attrs=attrs)


class ActivityForm(forms.Form):
    """One page a worker fills on a phone after the activity: what, when, where, with whom, who came."""

    title = forms.CharField(label="活动名称", max_length=100)
    kind = forms.ChoiceField(label="活动类型", choices=ActivityKind.choices, widget=forms.RadioSelect)
    theme = forms.ChoiceField(label="主题", choices=Theme.choices, widget=forms.RadioSelect)
    held_on = forms.DateField(label="活动日期", widget=DateInput())
    start_time = forms.TimeField(label="开始时间", required=False, widget=TimeInput())
    end_time = forms.TimeField(label="结束时间", required=False, widget=TimeInput())
    place = forms.CharField(
        label="活动地点", max_length=100, help_text="如：上六村委、佛水村委居家养老服务站"
    )
    point = forms.ModelChoiceField(label="社工点", queryset=None, required=False, empty_label="（站本部）")
    organiser = forms.CharField(
        label="主办单位",
        max_length=100,
        required=False,
        help_text="由上级或其他单位主办时填写，如：云浮市民政局",
    )
    partners = forms.ModelMultipleChoiceField(
        label="合作单位", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    segments = forms.CharField(
        label="活动环节", required=False, widget=_textarea(3, "每行一个环节，如：\n猜灯谜\n制作兔子小桔灯")
    )
    participants = forms.IntegerField(
        label="参与人数",
        min_value=1,
        max_value=100000,
        help_text="全部参与者，含未建档的群众；不少于下面选中的服务对象人数。",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    people = forms.ModelMultipleChoiceField(
        label="参与的服务对象", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    materials = forms.CharField(
        label="发放资料/物品", required=False, widget=_textarea(2, "每行一项，如：禁毒宣传资料 300份")
    )
    narrative = forms.CharField(label="活动情况", required=False, widget=_textarea(6))
    photos = MultiplePhotoField(
        label="照片",
        required=False,
        help_text=f"每次最多{MAX_PHOTOS}张，每张不超过10 MB；保存时去除拍摄地点等信息。",
        widget=MultiplePhotoInput(attrs={"accept": "image/*"}),
    )

    def __init__(
        self, *args, points, partners, people, volunteers, volunteer_rows: int = VOLUNTEER_ROWS, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = points
        self.fields["partners"].queryset = partners
        self.fields["people"].queryset = people
        self.volunteer_queryset = volunteers
        self.volunteer_count = volunteer_rows
        for n in range(1, volunteer_rows + 1):
            self.fields[f"volunteer_{n}"] = forms.ModelChoiceField(
                label=f"志愿者{n}", queryset=volunteers, required=False, empty_label="（选择志愿者）"
            )
            self.fields[f"hours_{n}"] = forms.DecimalField(
                label=f"志愿者{n}服务时长",
                required=False,
                min_value=0.1,
                max_value=24,
                decimal_places=1,
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            )

    @property
    def volunteer_rows(self) -> list:
        return [(self[f"volunteer_{n}"], self[f"hours_{n}"]) for n in range(1, self.volunteer_count + 1)]

    @property
    def chosen_people(self) -> list:
        """The people ticked (bound) or named (unbound), to show as ticked boxes beside the search."""
        if self.is_bound:
            wanted = [v for v in self.data.getlist(self.add_prefix("people")) if v.isdigit()]
        else:
            wanted = [getattr(p, "pk", p) for p in self.initial.get("people", [])]
        if not wanted:
            return []
        return list(
            self.fields["people"]
            .queryset.filter(pk__in=wanted)
            .select_related("household__village")
            .order_by("name")
        )

    def clean_segments(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["segments"].splitlines() if line.strip()]

    def clean_materials(self) -> list:
        try:
            return parse_materials(self.cleaned_data["materials"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["materials"]) from None

    def clean(self):
        data = super().clean()
        for n in range(1, self.volunteer_count + 1):
            volunteer, hours = data.get(f"volunteer_{n}"), data.get(f"hours_{n}")
            if volunteer is not None and hours is None and f"hours_{n}" not in self.errors:
                self.add_error(f"hours_{n}", f"请填写{volunteer.name}的服务时长。")
            if volunteer is None and hours is not None:
                self.add_error(f"volunteer_{n}", "填写了服务时长，请选择志愿者。")
        return data

    def volunteer_values(self) -> list:
        data = self.cleaned_data
        return [
            (data[f"volunteer_{n}"], data[f"hours_{n}"])
            for n in range(1, self.volunteer_count + 1)
            if data.get(f"volunteer_{n}") is not None
        ]

    def activity_values(self) -> dict:
        data = self.cleaned_data
        values = {
            name: data[name]
            for name in (
                "title", "kind", "theme", "held_on", "start_time", "end_time", "place", "point", "organiser",
                "segments", "participants", "materials", "narrative", "photos",
            )
        }  # fmt: skip
        values["partners"] = list(data["partners"])
        values["people"] = list(data["people"])
        values["volunteers"] = self.volunteer_values()
        return values

    @staticmethod
    def initial_for(activity: Activity) -> dict:
        initial = {
            "title": activity.title,
            "kind": activity.kind,
            "theme": activity.theme,
            "held_on": activity.held_on,
            "start_time": activity.start_time,
            "end_time": activity.end_time,
            "place": activity.place,
            "point": activity.point_id,
            "organiser": activity.organiser,
            "partners": [link.partner_id for link in activity.partner_links.all()],
            "segments": "\n".join(activity.segments),
            "participants": activity.participants,
            "people": list(activity.person_links.values_list("beneficiary_id", flat=True)),
            "materials": materials_text(activity.materials),
            "narrative": activity.narrative,
            "version": activity.version,
        }
        for n, link in enumerate(activity.volunteer_links.order_by("id"), 1):
            initial[f"volunteer_{n}"] = link.volunteer_id
            initial[f"hours_{n}"] = link.hours
        return initial


class ActivityEditForm(VersionedForm, ActivityForm):
    pass


class ActivityFilterForm(forms.Form):
    theme = forms.ChoiceField(label="主题", required=False, choices=[("", "全部")] + Theme.choices)
    month = forms.CharField(
        label="月份",
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2023-02"}),
    )

    def clean_month(self) -> date | None:
        text = self.cleaned_data["month"].strip()
        if not text:
            return None
        try:
            year, month = (int(part) for part in text.split("-"))
            if not 2000 <= year <= 2100:
                raise ValueError
            return date(year, month, 1)
        except ValueError:
            raise ValidationError("月份请写成“2023-02”的形式（2000至2100年）。") from None


class PartnerForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=PartnerKind.choices, help_text="前五类为“五社联动”的五方")
    contact_person = forms.CharField(label="联系人", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False, widget=TelInput())
    notes = forms.CharField(label="备注", max_length=200, required=False)


class PartnerEditForm(VersionedForm, PartnerForm):
    active = forms.BooleanField(label="合作中", required=False)


class VolunteerForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    partner = forms.ModelChoiceField(
        label="所属合作单位", queryset=None, required=False, empty_label="（无）"
    )
    organisation = forms.CharField(
        label="所属组织",
        max_length=100,
        required=False,
        help_text="不在合作单位名录中时填写，如：村志愿服务队",
    )
    phone = forms.CharField(label="联系电话", max_length=30, required=False, widget=TelInput())

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners


class VolunteerEditForm(VersionedForm, VolunteerForm):
    active = forms.BooleanField(label="在册", required=False)


class VolunteerServiceForm(forms.Form):
    served_on = forms.DateField(label="服务日期", widget=DateInput())
    hours = forms.DecimalField(
        label="服务时长（小时）", min_value=0.1, max_value=24, decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )  # fmt: skip
    description = forms.CharField(label="服务内容", max_length=200, help_text="如：协助入户走访独居老人")
