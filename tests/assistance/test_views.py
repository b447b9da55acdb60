"""The pages: assistance on a beneficiary, the batch page with its tree, the phone hand-out form, the list of
who has not yet received a batch; and what the viewer may see of them."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from shuangbai.assistance.hooks import distribution_figures
from shuangbai.assistance.models import Assistance, HandOut
from shuangbai.assistance.services import stock_of
from shuangbai.core.models import AuditEntry
from shuangbai.core.scoping import code_range
from shuangbai.registry.models import Category
from shuangbai.registry.timeline import timeline

from .conftest import day


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_worker_records_and_advances_assistance_from_the_beneficiary(world, kinds):
    client = client_for(world.worker_a)
    url = f"{reverse('assistance:create')}?beneficiary={world.beneficiary_a.pk}"
    response = client.post(
        url,
        {
            "type": kinds["disability_subsidy"].pk,
            "party": "government",
            "giver": "区残联",
            "status": "applying",
            "on": day().isoformat(),
        },
    )
    record = Assistance.objects.get()
    assert response.status_code == 302 and response["Location"] == record.get_absolute_url()
    page = client.get(record.get_absolute_url()).content.decode()
    assert "协助申请" in page and "已提交" in page  # the current status, and the next one offered
    response = client.post(
        reverse("assistance:advance", args=[record.pk]),
        {"status": "approved", "on": day().isoformat(), "version": record.version + 1},
    )
    assert response.status_code == 200  # 已批准 is not offered from 协助申请
    assert "新状态：选择一个有效的选项" in response.content.decode()
    response = client.post(
        reverse("assistance:advance", args=[record.pk]),
        {"status": "submitted", "on": day().isoformat(), "version": record.version},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == "submitted"
    listing = client.get(
        f"{reverse('assistance:index')}?beneficiary={world.beneficiary_a.pk}"
    ).content.decode()
    assert "残疾人补贴" in listing
    # both pages show what help a person gets (disability, hardship): each view is in the audit log
    views = AuditEntry.objects.filter(actor=world.worker_a, action="view").values_list(
        "object_type", "object_id"
    )
    assert ("assistance.assistance", str(record.pk)) in views
    assert ("registry.beneficiary", str(world.beneficiary_a.pk)) in views


def test_bad_input_is_answered_in_chinese_naming_the_field(world, kinds):
    client = client_for(world.worker_a)
    response = client.post(
        f"{reverse('assistance:create')}?beneficiary={world.beneficiary_a.pk}",
        {
            "type": kinds["disability_subsidy"].pk,
            "party": "government",
            "status": "delivered",
            "on": day().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "只能从以下状态开始" in response.content.decode()
    assert not Assistance.objects.exists()


def test_hand_out_on_a_phone_search_pick_save(world, chain):
    client = client_for(world.worker_a)
    url = reverse("assistance:hand_out", args=[chain.batch.pk])
    page = client.get(url, {"q": "对象A"}).content.decode()
    assert f'value="{world.beneficiary_a.pk}"' in page and "库存" in page
    assert world.beneficiary_a.id_masked in page and world.beneficiary_b.name not in page
    picture = io.BytesIO()
    Image.new("RGB", (20, 10), "green").save(picture, "JPEG")
    response = client.post(
        url,
        {
            "beneficiary": world.beneficiary_a.pk,
            "quantity": 2,
            "handed_on": day().isoformat(),
            "worker": world.staff_a.pk,
            "note": "本人签收",
            "photo": SimpleUploadedFile("sign.jpg", picture.getvalue(), "image/jpeg"),
        },
    )
    assert response.status_code == 302
    given = HandOut.objects.get()
    assert (given.quantity, given.worker, given.household_id) == (2, world.staff_a, world.household_a.pk)
    assert stock_of(chain.station_a) == 38
    photo = client.get(given.get_photo_url())
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    # more than the station holds: refused on the page, naming what is left
    response = client.post(
        url, {"beneficiary": world.beneficiary_a.pk, "quantity": 39, "handed_on": day().isoformat()}
    )
    assert "素龙街道社工站的健康包库存只剩38份，不能发放39份。" in response.content.decode()
    # someone of another station, posted by hand: not found in scope
    response = client.post(
        url, {"beneficiary": world.beneficiary_b.pk, "quantity": 1, "handed_on": day().isoformat()}
    )
    assert "不在本站范围内" in response.content.decode()
    assert HandOut.objects.count() == 1
    event = next(e for e in timeline(world.beneficiary_a) if e.kind == "物资发放")
    assert event.text.startswith("领取健康包2份（政府部门·云浮市民政局）")
    got = {f.key: f.value for f in distribution_figures(*code_range("445381"), day(-1), day())}
    assert got == {"distribution.健康包": 2, "distribution.健康包.households": 1}


def test_batch_page_tree_and_who_may_see_names(world, chain, django_assert_max_num_queries):
    chain.batch.target_category = Category.objects.get(code="dibao")
    chain.batch.save()
    supervisor = client_for(world.supervisor)
    with django_assert_max_num_queries(20):
        page = supervisor.get(chain.batch.get_absolute_url()).content.decode()
    assert (
        "素龙街道社工站" in page and "云浮市民政局" not in page.split('id="holdings"')[1].split("</table>")[0]
    )
    pending = supervisor.get(reverse("assistance:pending", args=[chain.batch.pk])).content.decode()
    assert world.beneficiary_a.name in pending
    viewer = client_for(world.viewer)
    city_page = client_for(world.city).get(chain.batch.get_absolute_url()).content.decode()
    assert "云浮市民政局" in city_page and "罗定市民政局" in city_page
    # the viewer's scope is the city: the totals and stock, no names, no hand-outs
    from shuangbai.assistance.services import hand_out

    hand_out(actor=world.worker_a, holding=chain.station_a, beneficiary=world.beneficiary_a, handed_on=day())
    viewer_page = viewer.get(chain.batch.get_absolute_url())
    assert viewer_page.status_code == 200
    assert world.beneficiary_a.name not in viewer_page.content.decode()
    assert viewer.get(reverse("assistance:pending", args=[chain.batch.pk])).status_code == 404
    pending = supervisor.get(reverse("assistance:pending", args=[chain.batch.pk])).content.decode()
    assert world.beneficiary_a.name not in pending


def test_allocate_form_and_batch_list(world, chain):
    client = client_for(world.county)
    response = client.post(
        reverse("assistance:allocate", args=[chain.batch.pk]),
        {
            "source": chain.county.pk,
            "target": f"station:{world.station_b.pk}",
            "quantity": 5,
            "on": day().isoformat(),
        },
    )
    assert response.status_code == 302
    assert stock_of(chain.county) == 15
    listing = client_for(world.worker_b).get(reverse("assistance:batches")).content.decode()
    assert "健康包" in listing and "云浮市民政局" in listing  # station B now holds some of the city's batch
    viewer_listing = client_for(world.viewer).get(reverse("assistance:batches")).content.decode()
    assert "健康包" in viewer_listing and "登记物资批次" not in viewer_listing
