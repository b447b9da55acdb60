from django import forms

from shuangbai.core.forms import DateInput, VersionedForm
from shuangbai.regions.models import Region
from shuangbai.stations.models import Point, Station

from .models import Gender, Position, Qualification

PHONE = forms.RegexField(
    label="手机号码",
    regex=r"^1[3-9]\d{9}$",
    required=False,
    error_messages={"invalid": "手机号码应为11位数字，以1开头（如13812345678）。"},
)


class PersonForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    gender = forms.ChoiceField(label="性别", choices=Gender.choices)
    phone = PHONE
    qualification = forms.ChoiceField(label="职业资格", choices=Qualification.choices)
    hired_on = forms.DateField(label="入职日期", widget=DateInput())


class PlacementForm(forms.Form):
    station = forms.ModelChoiceField(label="社工站", queryset=Station.objects.none())
    point = forms.ModelChoiceField(
        label="社工点", queryset=Point.objects.none(), required=False, empty_label="（站内，不驻点）"
    )
    position = forms.ChoiceField(
        label="岗位", choices=[c for c in Position.choices if c[0] != Position.SUPERVISOR]
    )

    def __init__(self, *args, stations=None, points=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations if stations is not None else Station.objects.none()
        self.fields["point"].queryset = points if points is not None else Point.objects.none()

    def clean(self):
        data = super().clean()
        station, point = data.get("station"), data.get("point")
        if station and point and point.station_id != station.pk:
            self.add_error("point", f"“{point.name}”不属于{station.name}。")
        return data


class StaffCreateForm(PlacementForm, PersonForm):
    pass


class StaffEditForm(VersionedForm, PersonForm):
    pass


class StaffMoveForm(VersionedForm, PlacementForm):
    on_date = forms.DateField(label="调动生效日期", widget=DateInput())


class StaffLeaveForm(VersionedForm):
    on_date = forms.DateField(label="离职日期", widget=DateInput())
    reason = forms.CharField(label="离职原因", max_length=200, required=False)


class SupervisorCreateForm(PersonForm):
    region = forms.ModelChoiceField(label="所属区域（市或县）", queryset=Region.objects.none())
    stations = forms.ModelMultipleChoiceField(
        label="督导的社工站",
        queryset=Station.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, regions=None, stations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["stations"].queryset = stations

    def clean(self):
        data = super().clean()
        region, stations = data.get("region"), data.get("stations") or []
        outside = [s.name for s in stations if region and not s.region_code.startswith(region.prefix)]
        if outside:
            self.add_error("stations", f"{'、'.join(outside)}不在{region.name}。")
        return data
