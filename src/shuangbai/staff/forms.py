from django import forms

from shuangbai.core.dates import day_label
from shuangbai.core.forms import DateInput, TelInput, VersionedForm
from shuangbai.regions.models import Region
from shuangbai.stations.models import Point, Station

from .models import Assignment, Gender, Kind, Position, Qualification, Staff, TrainingKind

PHONE = forms.RegexField(
    label="手机号码",
    regex=r"^1[3-9]\d{9}$",
    required=False,
    widget=TelInput(),
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


class TrainingForm(forms.Form):
    organiser_unit = forms.ChoiceField(label="主办单位", choices=())
    organiser = forms.CharField(
        label="主办单位名称",
        max_length=100,
        required=False,
        help_text="留空则按主办单位填写，如“罗定市民政局”“素龙街道社工站”。",
    )
    kind = forms.ChoiceField(label="培训类别", choices=TrainingKind.choices)
    held_on = forms.DateField(label="培训日期", widget=DateInput())
    topic = forms.CharField(label="培训主题", max_length=200)
    trainers = forms.CharField(label="授课人", max_length=200, required=False, help_text="多人用顿号分隔。")
    hours = forms.DecimalField(label="学时", max_digits=5, decimal_places=1)
    materials = forms.CharField(
        label="培训资料",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="课件、讲义名称等。",
    )
    attendees = forms.MultipleChoiceField(
        label="参训人员", required=False, choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organisers=(), attendee_groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser_unit"].choices = [("", "请选择")] + list(organisers)
        self.fields["attendees"].choices = list(attendee_groups)

    def clean_organiser_unit(self) -> dict:
        """ "r:<code>" or "s:<pk>" (offered only in the user's scope) as the service's keyword arguments."""
        value = self.cleaned_data["organiser_unit"]
        kind, _, key = value.partition(":")
        if kind == "r":
            return {"organiser_region": Region.objects.get(code=key), "station": None}
        stations = Station.objects.unscoped("one of the choices offered, built from the user's scope")
        return {"organiser_region": None, "station": stations.get(pk=int(key))}

    def clean_attendees(self) -> list[Staff]:
        ids = [int(pk) for pk in self.cleaned_data["attendees"]]
        offered = Staff.objects.unscoped("the choices offered, built from the user's scope")
        return list(offered.filter(pk__in=ids).order_by("name", "id"))

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        return data.pop("organiser_unit") | data


class TrainingEditForm(VersionedForm, TrainingForm):
    pass


class CoverStartForm(forms.Form):
    point = forms.ModelChoiceField(label="兼任社工点", queryset=Point.objects.none())
    started_on = forms.DateField(label="兼任起始日期", widget=DateInput())

    def __init__(self, *args, points=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = points if points is not None else Point.objects.none()
        self.fields["point"].label_from_instance = lambda p: f"{p.station.name} · {p.name}"


class CoverEndForm(forms.Form):
    assignment = forms.ModelChoiceField(label="兼任", queryset=Assignment.objects.none())
    ended_on = forms.DateField(label="兼任结束日期", widget=DateInput())

    def __init__(self, *args, covers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = covers if covers is not None else Assignment.objects.none()
        self.fields["assignment"].label_from_instance = lambda a: (
            f"{a.point.name}（{day_label(a.started_on)}起）"
        )


# ---------------------------------------------------------------------------------------------- 招聘


def _score_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_value=100, max_digits=5, decimal_places=2
    )


class RoundForm(forms.Form):
    """A round and its positions per county: one number field per row the city may have (市本级 first)."""

    title = forms.CharField(label="招聘名称", max_length=200)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="招聘类别", choices=Kind.choices)
    announced_on = forms.DateField(label="公告日期", required=False, widget=DateInput())
    written_exam_on = forms.DateField(label="笔试日期", required=False, widget=DateInput())
    interview_on = forms.DateField(label="面试日期", required=False, widget=DateInput())
    written_pass_line = _score_field("笔试合格分数线")
    applicant_count = forms.IntegerField(
        label="报名人数",
        required=False,
        min_value=0,
        help_text="未导入报名名单时填写；导入名单后按名单统计。",
    )
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, regions=(), city=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.position_regions = list(regions)
        for region in self.position_regions:
            label = "市本级" if city is not None and region.pk == city.pk else region.name
            self.fields[f"positions_{region.code}"] = forms.IntegerField(
                label=f"招聘名额：{label}", required=False, min_value=0, max_value=10000
            )

    def positions(self) -> dict:
        return {
            region: self.cleaned_data.get(f"positions_{region.code}") or 0 for region in self.position_regions
        }

    def round_fields(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if not name.startswith("positions_")}


class RoundEditForm(VersionedForm, RoundForm):
    pass


class ApplicantForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    gender = forms.ChoiceField(label="性别", choices=Gender.choices)
    phone = PHONE
    county = forms.ModelChoiceField(label="报考县（市、区）", queryset=Region.objects.none())
    written_score = _score_field("笔试成绩")
    interview_score = _score_field("面试成绩")

    def __init__(self, *args, counties=None, city_code: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties if counties is not None else Region.objects.none()
        self.fields["county"].label_from_instance = lambda r: "市本级" if r.code == city_code else r.name


class ApplicantEditForm(VersionedForm):
    name = forms.CharField(label="姓名", max_length=50)
    gender = forms.ChoiceField(label="性别", choices=Gender.choices)
    phone = PHONE
    written_score = _score_field("笔试成绩")
    interview_score = _score_field("面试成绩")
    withdrawn = forms.BooleanField(label="放弃（不再参加后续环节）", required=False)


class ApplicantImportForm(forms.Form):
    file = forms.FileField(label="报名名单文件（.xlsx 或 .csv）")


class ApplicantHireForm(forms.Form):
    station = forms.ModelChoiceField(label="社工站", queryset=Station.objects.none())
    point = forms.ModelChoiceField(
        label="社工点", queryset=Point.objects.none(), required=False, empty_label="（站内，不驻点）"
    )
    position = forms.ChoiceField(
        label="岗位", choices=[c for c in Position.choices if c[0] != Position.SUPERVISOR]
    )
    qualification = forms.ChoiceField(label="职业资格", choices=Qualification.choices)
    hired_on = forms.DateField(label="入职日期", widget=DateInput())

    def __init__(self, *args, stations=None, points=None, supervisor: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if supervisor:
            for name in ("station", "point", "position"):
                del self.fields[name]
            return
        self.fields["station"].queryset = stations if stations is not None else Station.objects.none()
        self.fields["point"].queryset = points if points is not None else Point.objects.none()
        self.fields["point"].label_from_instance = lambda p: f"{p.station.name} · {p.name}"

    def clean(self):
        data = super().clean()
        station, point = data.get("station"), data.get("point")
        if station and point and point.station_id != station.pk:
            self.add_error("point", f"“{point.name}”不属于{station.name}。")
        return data
