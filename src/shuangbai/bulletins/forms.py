from __future__ import annotations

from django import forms
from django.utils import timezone

from shuangbai.core.forms import DateInput, VersionedForm

from .models import Section
from .services import MAX_PHOTOS_PER_ARTICLE

TEXTAREA = {"rows": 3}


class MastheadForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)  # none before the first save
    name = forms.CharField(label="简报名称", max_length=60)
    unit = forms.CharField(label="编印单位", max_length=60)
    sent_to = forms.CharField(label="发至（默认）", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    copied_to = forms.CharField(label="抄送（默认）", required=False, widget=forms.Textarea(attrs=TEXTAREA))


class IssueForm(forms.Form):
    """期号, date and distribution lines: what a new issue and an imported back issue both need."""

    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    sequence = forms.IntegerField(label="期数（第几期）", min_value=1, max_value=999)
    issued_on = forms.DateField(label="印发日期", widget=DateInput())
    sent_to = forms.CharField(label="发至", required=False, widget=forms.Textarea(attrs=TEXTAREA))
    copied_to = forms.CharField(label="抄送", required=False, widget=forms.Textarea(attrs=TEXTAREA))

    def clean(self):
        data = super().clean()
        issued_on, year = data.get("issued_on"), data.get("year")
        if issued_on and year and issued_on.year != year:
            self.add_error("issued_on", f"印发日期应在{year}年内。")
        return data


class BulletinForm(IssueForm):
    name = forms.CharField(label="简报名称", max_length=60)
    unit = forms.CharField(label="编印单位", max_length=60)
    field_order = ["year", "sequence", "issued_on", "name", "unit", "sent_to", "copied_to"]


class BulletinEditForm(VersionedForm, BulletinForm):
    pass


class ArticleForm(forms.Form):
    section = forms.ChoiceField(label="栏目", choices=Section.choices)
    title = forms.CharField(label="标题", max_length=120)
    body = forms.CharField(
        label="正文",
        required=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="每段一行。花括号中的数据项（如{参与人数}）在组稿时从来源记录取数，发布后固定。",
    )
    byline = forms.CharField(
        label="供稿署名", max_length=60, required=False, help_text="如：（罗定市素龙街道社工站供稿）"
    )


class ArticleEditForm(VersionedForm, ArticleForm):
    table_as_of = forms.DateField(label="一览表截至日期", required=False, widget=DateInput())


class ActionForm(VersionedForm):
    """A status change posted from a button (submit, take out)."""


class AcceptForm(VersionedForm):
    bulletin = forms.TypedChoiceField(label="采用到", coerce=int)
    section = forms.ChoiceField(label="栏目", choices=Section.choices)

    def __init__(self, *args, bulletins=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bulletin"].choices = [(b.pk, b.number) for b in bulletins]


class ReturnForm(VersionedForm):
    comment = forms.CharField(label="退回意见", max_length=300, widget=forms.Textarea(attrs=TEXTAREA))


class TableForm(forms.Form):
    as_of = forms.DateField(label="一览表截至日期", widget=DateInput())
    section = forms.ChoiceField(label="栏目", choices=Section.choices, initial=Section.CITY)

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of > timezone.localdate():
            raise forms.ValidationError("截至日期不能晚于今天。")
        return as_of


class PhotoForm(forms.Form):
    image = forms.ImageField(
        label="照片", help_text=f"JPEG/PNG，10 MB 以内；每篇最多 {MAX_PHOTOS_PER_ARTICLE} 张"
    )
    caption = forms.CharField(label="图片说明", max_length=100, required=False)


class ArchiveForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=50)
    region = forms.ChoiceField(label="县（市、区）/镇（街）", required=False)
    date_from = forms.DateField(label="起始日期", required=False, widget=DateInput())
    date_to = forms.DateField(label="截止日期", required=False, widget=DateInput())

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "全部")] + [(r.code, r.name) for r in regions]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("起始日期不能晚于截止日期。")
        return data


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="往期简报文件（.docx 或 .txt）")


class ImportArticleForm(forms.Form):
    """One article of the split, as the officer corrects it."""

    section = forms.ChoiceField(label="栏目", choices=Section.choices)
    title = forms.CharField(label="标题", max_length=120)
    body = forms.CharField(label="正文", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    merge = forms.BooleanField(label="并入上一篇（标题作为小标题）", required=False)
    drop = forms.BooleanField(label="不导入", required=False)


ImportArticleFormSet = forms.formset_factory(ImportArticleForm, extra=0)
