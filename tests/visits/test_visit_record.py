"""visit_record: who may record a visit, what is checked, the level change, repeats and photos."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from PIL import ExifTags, Image

from shuangbai.core.models import AuditAction, AuditEntry
from shuangbai.registry.models import Beneficiary
from shuangbai.registry.services import beneficiaries_merge, beneficiary_exit
from shuangbai.staff.services import staff_leave
from shuangbai.visits import photos
from shuangbai.visits.models import FollowUp, Visit, VisitPerson, VisitPhoto, VisitQuerySet, VisitWorker

from .conftest import day, days_ago


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_a_worker_records_a_home_visit(world, visit):
    at = days_ago(1)
    made = visit(
        met=[world.beneficiary_a],
        met_others="邻居",
        health="血压偏高，按时服药",
        living="家中整洁",
        mental_state="good",
        hazards=["fall", "fall", "electric"],
        needs=["medical"],
        notes="下周复访",
        visited_at=at,
        latitude="22.768000",
        longitude="111.570000",
    )
    made.refresh_from_db()
    assert (made.household, made.station, made.point) == (world.household_a, world.station_a, world.point_a)
    assert made.region_code == world.household_a.region_code
    assert (made.visited_at, made.visited_on, made.kind, made.is_home) == (at, day(-1), "home", True)
    assert made.hazards == ["fall", "electric"]  # duplicates dropped, order kept
    assert made.get_hazards_display() == ["跌倒风险", "用电隐患"]
    assert list(made.workers.all()) == [world.staff_a]
    assert list(made.met.all()) == [world.beneficiary_a]
    assert made.health == "血压偏高，按时服药"
    assert made.recorded_by == world.worker_a
    assert FollowUp.objects.get(household=world.household_a).last_home_visit_on == day(-1)
    entry = AuditEntry.objects.get(object_type="visits.visit", object_id=str(made.pk))
    assert entry.action == AuditAction.CREATE and entry.actor == world.worker_a
    assert "血压" not in str(entry.changes)
    with connection.cursor() as cursor:
        cursor.execute("SELECT health FROM visits_visit WHERE id = %s", [made.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("g1:") and "血压" not in stored


def test_a_visit_of_another_kind_is_recorded_but_not_counted_as_home(world, visit):
    made = visit(kind="phone")
    assert made.is_home is False
    assert not FollowUp.objects.exists()


# Values given as functions are worked out when the test runs, from the world.
@pytest.mark.parametrize(
    ("arguments", "field", "words"),
    [
        ({"visited_at": lambda w: timezone.now() + timedelta(hours=1)}, "visited_at", "不能晚于现在"),
        ({"visited_at": lambda w: days_ago(31)}, "late_reason", "请填写补录原因"),
        ({"visited_at": lambda w: days_ago(31), "late_reason": "   "}, "late_reason", "请填写补录原因"),
        ({"workers": []}, "workers", "请至少选择一名走访社工"),
        ({"workers": lambda w: [w.staff_b]}, "workers", "社工B不是本站在岗人员"),
        ({"met": lambda w: [w.beneficiary_a, w.beneficiary_b]}, "met", "对象B不是该户成员"),
        ({"hazards": ["flood"]}, "hazards", "未知的安全隐患类型：flood"),
        ({"needs": ["money", "medical"]}, "needs", "未知的需求类型：money"),
        ({"kind": "walk"}, "kind", "walk"),
        ({"mental_state": "angry"}, "mental_state", "angry"),
        ({"met_others": "人" * 101}, "met_others", "100"),
        ({"level_after": 1}, "changed_person", "请选择调整的对象"),
        ({"changed_person": lambda w: w.beneficiary_a, "level_after": 1}, "change_reason", "请填写调整原因"),
        (
            {"changed_person": lambda w: w.beneficiary_a, "risk_after": "high", "change_reason": " "},
            "change_reason",
            "请填写调整原因",
        ),
        (
            {"changed_person": lambda w: w.beneficiary_b, "level_after": 1, "change_reason": "病重"},
            "changed_person",
            "对象B不是该户在册成员",
        ),
        (
            {"changed_person": lambda w: w.beneficiary_a, "level_after": 5, "change_reason": "病重"},
            "level_after",
            "5",
        ),
        (
            {"changed_person": lambda w: w.beneficiary_a, "risk_after": "extreme", "change_reason": "病重"},
            "risk_after",
            "extreme",
        ),
        ({"photos": [object()] * 7}, "photos", "每次走访最多上传 6 张照片"),
    ],
)
def test_a_visit_is_refused_with_a_chinese_message_naming_the_field(world, visit, arguments, field, words):
    arguments = {name: value(world) if callable(value) else value for name, value in arguments.items()}
    with pytest.raises(ValidationError) as caught:
        visit(**arguments)
    messages = caught.value.message_dict[field]
    assert words in messages[0] and has_chinese(messages[0]), messages
    assert not Visit.objects.exists()
    assert not FollowUp.objects.exists()
    world.beneficiary_a.refresh_from_db()
    assert (world.beneficiary_a.follow_up_level, world.beneficiary_a.risk_level) == (3, "low")


def test_gps_out_of_range_is_refused(world, visit):
    with pytest.raises(ValidationError):
        visit(latitude="95.000000", longitude="111.000000")
    with pytest.raises(ValidationError):
        visit(latitude="22.000000", longitude="-181.000000")
    assert not Visit.objects.exists()


def test_a_latitude_without_a_longitude_is_refused(world, visit):
    with pytest.raises(ValidationError, match="定位信息不完整"):
        visit(latitude="22.000000")
    assert not Visit.objects.exists()


def test_a_visit_30_days_back_needs_no_reason_and_31_days_back_takes_one(world, visit):
    assert visit(visited_at=days_ago(30)).late_reason == ""
    late = visit(visited_at=days_ago(31), late_reason="台风停电，纸质记录补录")
    assert late.visited_on == day(-31)
    assert late.late_reason == "台风停电，纸质记录补录"


def test_a_phone_clock_a_few_minutes_ahead_is_not_the_future(world, visit):
    assert visit(visited_at=timezone.now() + timedelta(minutes=5)).pk
    with pytest.raises(ValidationError):
        visit(visited_at=timezone.now() + timedelta(minutes=15))


def test_the_workers_are_the_stations_staff_in_post(world, visit):
    assert list(visit(workers=[world.staff_a, world.head_staff]).workers.order_by("name")) == sorted(
        [world.staff_a, world.head_staff], key=lambda s: s.name
    )
    staff_leave(
        actor=world.county, staff=world.staff_a, version=world.staff_a.version, on_date=day(0), reason="辞职"
    )
    world.staff_a.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        visit(workers=[world.staff_a])
    assert caught.value.message_dict["workers"] == ["社工A不是本站在岗人员。"]


def test_a_merged_record_cannot_be_met_or_changed(world, visit):
    from tests.registry.helpers import add_member

    twin = add_member(
        world.worker_a,
        world.household_a,
        "重复甲",
        relation="other",
        no_id_reason="refused",
        gender="F",
        birth_date=date(1948, 2, 3),
    )
    duplicate = add_member(
        world.worker_a,
        world.household_a,
        "重复乙",
        relation="other",
        no_id_reason="refused",
        gender="F",
        birth_date=date(1948, 2, 3),
    )
    beneficiaries_merge(actor=world.worker_a, keep=twin, merge=duplicate)
    duplicate.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        visit(met=[duplicate])
    assert "met" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        visit(changed_person=duplicate, level_after=1, change_reason="重复记录")
    assert "changed_person" in caught.value.message_dict


def test_a_level_change_at_a_visit_is_applied_audited_and_kept_on_the_visit(world, visit):
    person = world.beneficiary_a
    made = visit(changed_person=person, risk_after="high", level_after=1, change_reason=" 独居，近期跌倒 ")
    assert (made.risk_before, made.risk_after, made.level_before, made.level_after) == ("low", "high", 3, 1)
    assert made.change_reason == "独居，近期跌倒"
    person.refresh_from_db()
    assert (person.risk_level, person.follow_up_level, person.version) == ("high", 1, 2)
    entry = AuditEntry.objects.get(
        object_type="registry.beneficiary", object_id=str(person.pk), action=AuditAction.CHANGE
    )
    assert entry.actor == world.worker_a
    assert entry.changes["risk_level"] == ["low", "high"]
    assert entry.changes["follow_up_level"] == [3, 1]
    assert entry.changes["原因"].endswith("走访：独居，近期跌倒")


def test_a_repeated_save_returns_the_first_visit(world, visit):
    first = visit(client_token="7f9c3a52-0d7e-4c55-9d36-2c1a8e0f0001", notes="第一次")
    again = visit(client_token="7f9c3a52-0d7e-4c55-9d36-2c1a8e0f0001", notes="第二次")
    assert again.pk == first.pk
    assert again.notes == "第一次"
    assert Visit.objects.count() == 1
    assert VisitWorker.objects.count() == 1
    assert AuditEntry.objects.filter(object_type="visits.visit").count() == 1
    # the token is the author's: another user's repeat is not answered with it
    with pytest.raises(PermissionDenied):
        visit(client_token="7f9c3a52-0d7e-4c55-9d36-2c1a8e0f0001", actor=world.head_a)
    assert visit(client_token="7f9c3a52-0d7e-4c55-9d36-2c1a8e0f0002").pk != first.pk


def test_a_repeat_racing_the_first_save_returns_the_first_visit(world, visit, monkeypatch):
    """The repeat looked before the first save was committed and found nothing: the unique token decides."""
    first = visit(client_token="7f9c3a52-0d7e-4c55-9d36-2c1a8e0f0003")
    real_first = VisitQuerySet.first
    looks = []

    def first_missing_once(queryset):
        looks.append(queryset)
        return None if len(looks) == 1 else real_first(queryset)

    monkeypatch.setattr(VisitQuerySet, "first", first_missing_once)
    again = visit(client_token="7f9c3a52-0d7e-4c55-9d36-2c1a8e0f0003", notes="重复")
    assert again.pk == first.pk
    assert len(looks) == 2
    assert Visit.objects.count() == 1


def test_a_worker_of_another_station_may_not_record_a_visit(world, visit):
    with pytest.raises(PermissionDenied):
        visit(actor=world.worker_b)
    assert not Visit.objects.exists()


@pytest.mark.parametrize("who", ["supervisor", "viewer"])
def test_readers_may_not_record_a_visit(world, visit, who):
    with pytest.raises(PermissionDenied):
        visit(actor=getattr(world, who))
    assert not Visit.objects.exists()


def test_the_station_head_records_a_visit(world, visit):
    assert visit(actor=world.head_a).recorded_by == world.head_a


def test_a_household_without_anyone_in_the_register_is_not_visited(world, visit):
    person = world.beneficiary_a
    beneficiary_exit(
        actor=world.worker_a, beneficiary=person, version=person.version, reason="death", on_date=day(0)
    )
    with pytest.raises(ValidationError) as caught:
        visit()
    assert "没有在册的服务对象" in caught.value.messages[0]
    assert not Beneficiary.objects.active().filter(household=world.household_a).exists()
    assert not Visit.objects.exists()


# --------------------------------------------------------------------------------------------------- photos


def jpeg_with_gps(size=(2000, 1000), orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestPhoneMaker"
    exif[ExifTags.Base.Model] = "TP-1"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (22.0, 46.0, 5.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (111.0, 34.0, 12.0),
        }
    )
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


def test_a_photo_is_stored_encrypted_and_without_its_metadata(world, visit, media):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo has GPS

    made = visit(photos=[SimpleUploadedFile("IMG_0001.jpg", original, content_type="image/jpeg")])

    photo = VisitPhoto.objects.get(visit=made)
    assert photo.path.startswith("445381/") and photo.path.endswith(".jpg.enc")
    assert (photo.width, photo.height) == (1600, 800)  # scaled to MAX_SIDE
    on_disk = (media / "visits" / photo.path).read_bytes()
    assert stored_files(media) == [media / "visits" / photo.path]
    assert not on_disk.startswith(b"\xff\xd8")  # not a JPEG at rest
    assert b"TestPhoneMaker" not in on_disk and b"Exif" not in on_disk

    clear = photos.load(photo.path)
    assert clear.startswith(b"\xff\xd8\xff")
    assert photo.size == len(clear)
    image = Image.open(io.BytesIO(clear))
    assert (image.format, image.size) == ("JPEG", (1600, 800))
    assert len(image.getexif()) == 0
    assert "exif" not in image.info
    assert b"Exif" not in clear and b"TestPhoneMaker" not in clear


def test_a_photo_keeps_the_orientation_the_phone_meant(world, visit, media):
    made = visit(photos=[SimpleUploadedFile("p.jpg", jpeg_with_gps((40, 20), orientation=6))])
    photo = made.photos.get()
    assert (photo.width, photo.height) == (20, 40)
    assert Image.open(io.BytesIO(photos.load(photo.path))).size == (20, 40)


def test_a_png_with_transparency_is_stored_as_a_jpeg(world, visit, media):
    out = io.BytesIO()
    Image.new("RGBA", (30, 30), (0, 0, 255, 128)).save(out, "PNG")
    photo = visit(photos=[SimpleUploadedFile("p.png", out.getvalue())]).photos.get()
    assert Image.open(io.BytesIO(photos.load(photo.path))).format == "JPEG"


def bomb_png() -> bytes:
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")  # 48 million pixels in a few kilobytes
    return out.getvalue()


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (
            lambda: SimpleUploadedFile("note.jpg", b"this is not an image"),
            "第2张照片“note.jpg”不是可识别的图片",
        ),
        (
            lambda: SimpleUploadedFile("big.jpg", b"\0" * (10 * 1024 * 1024 + 1)),
            "第2张照片“big.jpg”超过 10 MB",
        ),
        (lambda: SimpleUploadedFile("bomb.png", bomb_png()), "第2张照片“bomb.png”像素过大"),
    ],
)
def test_a_bad_photo_is_refused_and_nothing_is_written(world, visit, media, upload, words):
    good = SimpleUploadedFile("ok.jpg", jpeg_with_gps((50, 50)))
    with pytest.raises(ValidationError) as caught:
        visit(photos=[good, upload()])
    assert words in caught.value.message_dict["photos"][0]
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists()
    assert stored_files(media) == []


def test_the_people_met_are_kept(world, visit):
    made = visit(met=[world.beneficiary_a, world.beneficiary_a])
    assert list(VisitPerson.objects.filter(visit=made).values_list("beneficiary_id", flat=True)) == [
        world.beneficiary_a.pk
    ]
