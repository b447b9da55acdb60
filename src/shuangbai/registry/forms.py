from django import forms

from shuangbai.core.forms import DateInput, TelInput, VersionedForm
from shuangbai.core.validators import PHONE_ERROR, PHONE_PATTERN
from shuangbai.regions.models import Region

from .models import (
    DISABILITY_GRADES,
    FOLLOW_UP_LEVELS,
    Category,
    DisabilityType,
    ExitReason,
    Gender,
    LivingSituation,
    NoIdReason,
    Relation,
    RiskLevel,
    Status,
    Umbrella,
)


def phone_field(label: str) -> forms.RegexField:
    return forms.RegexField(
        label=label,
        regex=f"^({PHONE_PATTERN})$",
        required=False,
        widget=TelInput(),
        error_messages={"invalid": PHONE_ERROR},
    )


def _blank(choices, label: str = "—") -> list:
    return [("", label), *choices]


class CategoryChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.name


class PersonForm(forms.Form):
    """A beneficiary's own record, as registration and editing share it."""

    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="身份证号",
        max_length=20,
        required=False,
        help_text="18位；无身份证号的（如未落户儿童、拒绝提供）请留空并选择原因。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}),
    )
    no_id_reason = forms.ChoiceField(
        label="无身份证号原因", choices=_blank(NoIdReason.choices), required=False
    )
    gender = forms.ChoiceField(label="性别", choices=_blank(Gender.choices, "（按身份证号）"), required=False)
    birth_date = forms.DateField(
        label="出生日期",
        required=False,
        widget=DateInput(),
        help_text="有身份证号时可不填，自动取自身份证号。",
    )
    phone = phone_field("联系电话")
    categories = CategoryChoices(
        label="类别（可多选）",
        queryset=Category.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个类别。"},
    )
    # No default: a hurried save must not record 独居 or 低风险 that nobody chose.
    living_situation = forms.ChoiceField(
        label="居住状况",
        choices=_blank(LivingSituation.choices, "请选择"),
        error_messages={"required": "请选择居住状况。"},
    )
    disability_type = forms.ChoiceField(
        label="残疾类别", choices=_blank(DisabilityType.choices, "无"), required=False
    )
    disability_grade = forms.TypedChoiceField(
        label="残疾等级",
        choices=_blank(DISABILITY_GRADES, "无"),
        coerce=int,
        empty_value=None,
        required=False,
    )
    risk_level = forms.ChoiceField(
        label="风险等级",
        choices=_blank(RiskLevel.choices, "请选择"),
        error_messages={"required": "请选择风险等级。"},
    )
    follow_up_level = forms.TypedChoiceField(
        label="跟进级别（四级跟进）", choices=FOLLOW_UP_LEVELS, coerce=int, initial=3
    )
    guardian_name = forms.CharField(label="监护人/紧急联系人", max_length=50, required=False)
    guardian_relation = forms.CharField(label="与本人关系", max_length=20, required=False)
    guardian_phone = phone_field("联系人电话")
    health_notes = forms.CharField(
        label="健康状况", required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="加密保存。"
    )
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    # What a worker fills in every time first; the rest when it applies.
    field_order = [
        "name",
        "id_number",
        "no_id_reason",
        "gender",
        "birth_date",
        "categories",
        "living_situation",
        "risk_level",
        "follow_up_level",
        "phone",
    ]

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        if categories is not None:
            self.fields["categories"].queryset = categories

    def clean(self):
        data = super().clean()
        if data.get("disability_grade") and not data.get("disability_type"):
            self.add_error("disability_type", "填写了残疾等级，请同时选择残疾类别。")
        if data.get("id_number", "").strip():
            data["no_id_reason"] = ""
        return data


class MemberForm(PersonForm):
    relation = forms.ChoiceField(label="与户主关系", choices=Relation.choices)
    field_order = ["relation", *PersonForm.field_order]


class BeneficiaryEditForm(VersionedForm, MemberForm):
    pass


class HouseholdForm(forms.Form):
    address = forms.CharField(label="住址", max_length=200, required=False)
    phone = phone_field("户联系电话")
    latitude = forms.DecimalField(label="纬度", required=False, min_value=-90, max_value=90, decimal_places=6)
    longitude = forms.DecimalField(
        label="经度", required=False, min_value=-180, max_value=180, decimal_places=6
    )
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError("定位需同时填写纬度和经度，或都不填。")
        return data


class VillageChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.parent.name} {obj.name}" if obj.parent_id else obj.name


class HouseholdCreateForm(HouseholdForm):
    village = VillageChoice(label="村（居）", queryset=Region.objects.none(), empty_label="请选择")
    field_order = ["village"]

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class HouseholdEditForm(VersionedForm, HouseholdForm):
    pass


class ExitForm(VersionedForm):
    reason = forms.ChoiceField(label="退出原因", choices=ExitReason.choices)
    on_date = forms.DateField(label="退出日期", widget=DateInput())
    note = forms.CharField(label="说明", max_length=200, required=False)


class FilterForm(forms.Form):
    """The list's filters (GET). Bad values are dropped rather than refused: a filter link never errors."""

    q = forms.CharField(label="姓名或身份证号后4位", max_length=50, required=False)
    region = forms.CharField(label="区域", required=False, widget=forms.HiddenInput)
    category = forms.ModelChoiceField(
        label="类别", queryset=Category.objects.all(), required=False, empty_label="全部"
    )
    umbrella = forms.ChoiceField(label="归类", choices=_blank(Umbrella.choices, "全部"), required=False)
    status = forms.ChoiceField(
        label="状态", choices=[*Status.choices, ("all", "全部")], required=False, initial=Status.ACTIVE
    )
    risk_level = forms.ChoiceField(label="风险", choices=_blank(RiskLevel.choices, "全部"), required=False)
    follow_up_level = forms.TypedChoiceField(
        label="跟进级别",
        choices=_blank(FOLLOW_UP_LEVELS, "全部"),
        coerce=int,
        empty_value=None,
        required=False,
    )
    no_id = forms.BooleanField(label="仅无身份证号", required=False)


class IdLookupForm(forms.Form):
    id_number = forms.CharField(
        label="完整身份证号",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="按完整号码精确查找；号码不会出现在网址或日志中。",
    )


class ImportForm(forms.Form):
    into = forms.ModelChoiceField(label="导入到（区域）", queryset=Region.objects.none(), empty_label=None)
    file = forms.FileField(label="台账文件（.xlsx 或 .csv）")
    update = forms.BooleanField(label="身份证号已登记的，用文件内容更新（否则视为错误）", required=False)

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = regions


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["code", "name", "umbrella", "sort_order", "active", "health_watch"]
        help_texts = {"code": "英文小写和下划线，导入与接口使用，建立后不可改。"}


class CategoryEditForm(VersionedForm):
    name = forms.CharField(label="名称", max_length=40)
    umbrella = forms.ChoiceField(label="归类", choices=Umbrella.choices)
    sort_order = forms.IntegerField(label="排序", min_value=0, max_value=32767)
    active = forms.BooleanField(label="启用", required=False)
    health_watch = forms.BooleanField(
        label="纳入健康监测", required=False, help_text="此类别的服务对象列入健康监测名单。"
    )
