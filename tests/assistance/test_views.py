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
from tests.conftest import id_number

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
    assert f'name="beneficiaries" value="{world.beneficiary_a.pk}"' in page and "库存" in page
    assert world.beneficiary_a.id_tail in page and world.beneficiary_b.name not in page
    picture = io.BytesIO()
    Image.new("RGB", (20, 10), "green").save(picture, "JPEG")
    response = client.post(
        url,
        {
            "beneficiaries": [world.beneficiary_a.pk],
            "quantity": 2,
            "handed_on": day().isoformat(),
            "worker": world.staff_a.pk,
            "note": "本人签收",
            "photo": SimpleUploadedFile("sign.jpg", picture.getvalue(), "image/jpeg"),
            "action": "save",
        },
    )
    assert response.status_code == 302
    given = HandOut.objects.get()
    assert (given.quantity, given.worker, given.household_id) == (2, world.staff_a, world.household_a.pk)
    assert stock_of(chain.station_a) == 38
    photo = client.get(given.get_photo_url())
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    # more than the station holds: refused on the page, naming what is left, the person still ticked
    response = client.post(
        url, {"beneficiaries": [world.beneficiary_a.pk], "quantity": 39, "handed_on": day().isoformat()}
    )
    html = response.content.decode()
    assert "库存不足：1人每人39份共需39份，素龙街道社工站现有38份。" in html
    assert f'name="beneficiaries" value="{world.beneficiary_a.pk}" checked' in html
    # someone of another station, posted by hand: not found in scope, nothing handed out
    response = client.post(
        url,
        {
            "beneficiaries": [world.beneficiary_a.pk, world.beneficiary_b.pk],
            "quantity": 1,
            "handed_on": day().isoformat(),
        },
    )
    assert "不在本站在册名单内" in response.content.decode()
    assert HandOut.objects.count() == 1
    event = next(e for e in timeline(world.beneficiary_a) if e.kind == "物资发放")
    assert event.text.startswith("领取健康包2份（政府部门·云浮市民政局）")
    got = {f.key: f.value for f in distribution_figures(*code_range("445381"), day(-1), day())}
    assert got == {"distribution.健康包": 2, "distribution.健康包.households": 1}


def test_three_people_at_once_each_signed_for_all_or_none(world, chain):
    from tests.registry.helpers import register

    people = [world.beneficiary_a] + [
        register(world.worker_a, "445381002201", name, id_number=id_number("445381", "19400101", f"{n:03d}"))
        for n, name in ((811, "甲婆婆"), (812, "乙伯伯"))
    ]
    client = client_for(world.worker_a)
    url = reverse("assistance:hand_out", args=[chain.batch.pk])
    # ticked in one search, then another search without scripts: the first tick stays
    page = client.post(
        url, {"beneficiaries": [people[0].pk], "q": "甲婆婆", "action": "search", "quantity": 2}
    ).content.decode()
    assert f'name="beneficiaries" value="{people[0].pk}" checked' in page
    assert f'name="beneficiaries" value="{people[1].pk}">' in page and 'value="2"' in page
    assert not HandOut.objects.exists()
    # 3 people x 14 = 42 > 40 in stock: nobody gets any
    data = {"beneficiaries": [p.pk for p in people], "quantity": 14, "handed_on": day().isoformat()}
    response = client.post(url, data)
    assert "库存不足：3人每人14份共需42份" in response.content.decode() and not HandOut.objects.exists()
    response = client.post(url, data | {"quantity": 2, "note": "村委会集中发放，本人签收"})
    assert response.status_code == 302
    records = HandOut.objects.order_by("beneficiary_id")
    assert [(r.beneficiary_id, r.quantity, r.note) for r in records] == [
        (p.pk, 2, "村委会集中发放，本人签收") for p in sorted(people, key=lambda p: p.pk)
    ]
    assert stock_of(chain.station_a) == 34
    following = client.get(url)
    assert "已发放：对象A、甲婆婆、乙伯伯，每人2份健康包。" in following.content.decode()


def test_the_pending_list_hands_out_per_row_and_the_form_hides_at_stock_zero(world, chain):
    chain.batch.target_category = Category.objects.get(code="dibao")
    chain.batch.save()
    client = client_for(world.worker_a)
    pending = client.get(reverse("assistance:pending", args=[chain.batch.pk])).content.decode()
    one = f"{reverse('assistance:hand_out', args=[chain.batch.pk])}?pick={world.beneficiary_a.pk}"
    assert f'href="{one}"' in pending and 'name="pick"' in pending
    form = client.get(one).content.decode()
    assert f'name="beneficiaries" value="{world.beneficiary_a.pk}" checked' in form
    client.post(
        reverse("assistance:hand_out", args=[chain.batch.pk]),
        {"beneficiaries": [world.beneficiary_a.pk], "quantity": 40, "handed_on": day().isoformat()},
    )
    assert stock_of(chain.station_a) == 0
    empty = client.get(reverse("assistance:hand_out", args=[chain.batch.pk])).content.decode()
    assert 'id="no-stock"' in empty and "确认发放" not in empty


def test_batch_page_tree_and_who_may_see_names(world, chain, django_assert_max_num_queries):
    chain.batch.target_category = Category.objects.get(code="dibao")
    chain.batch.save()
    supervisor = client_for(world.supervisor)
    with django_assert_max_num_queries(23):  # 20, and 3 for the view's audit entry
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


def test_a_station_s_batch_page_shows_its_stock_and_the_day_its_goods_came(world, chain):
    page = client_for(world.worker_a).get(chain.batch.get_absolute_url()).content.decode()
    title = page[page.index("<h1>") : page.index("</h1>")]
    assert '素龙街道社工站库存 <span id="stock-here">40</span>份' in title and "100" not in title
    movements = page[page.index('id="movements"') : page.index("</table>", page.index('id="movements"'))]
    received = day(-8)
    assert f"{received.year}年{received.month}月{received.day}日" in movements
    assert "素龙街道社工站" in movements and "40份" in movements
    city = client_for(world.city).get(chain.batch.get_absolute_url()).content.decode()
    assert "云浮市民政局库存" in city[city.index("<h1>") : city.index("</h1>")]


def test_the_receipt_lists_the_day_s_people_with_room_to_sign_and_is_audited(world, chain):
    from shuangbai.core.models import AuditAction

    client = client_for(world.worker_a)
    hand = reverse("assistance:hand_out", args=[chain.batch.pk])
    done = client.post(
        hand, {"beneficiaries": [world.beneficiary_a.pk], "quantity": 2, "handed_on": day().isoformat()}
    )
    assert done.status_code == 302
    url = reverse("assistance:receipt", args=[chain.batch.pk])
    page = client.get(url, {"on": day().isoformat()}).content.decode()
    assert f"{world.station_a.name}健康包发放签收单" in page and "共1人" in page
    row = page[page.index('<table class="receipt"') : page.index("</table>")]
    assert world.beneficiary_a.name in row and world.beneficiary_a.id_masked in row and "2份" in row
    assert '<td class="sign"></td>' in row and world.beneficiary_a.id_number not in page
    assert AuditEntry.objects.filter(
        actor=world.worker_a, action=AuditAction.VIEW, object_repr__contains="签收单（1人）"
    ).exists()
    other_day = client.get(url, {"on": day(-3).isoformat()}).content.decode()
    assert "共0人" in other_day and world.beneficiary_a.name not in other_day
    assert "发放日期格式应为" in client.get(url, {"on": "2023-02-30"}).content.decode()
    assert client_for(world.worker_b).get(url, {"station": world.station_a.pk}).status_code == 404


def test_the_list_of_all_assistance_shows_only_the_user_s_people_and_filters_by_status(world, kinds):
    from shuangbai.assistance.services import assistance_create

    for person, status in ((world.beneficiary_a, "applying"), (world.beneficiary_b, "consult")):
        assistance_create(
            actor=world.city,
            beneficiary=person,
            type=kinds["disability_subsidy"],
            party="government",
            on=day(),
            status=status,
        )
    mine = client_for(world.worker_a).get(reverse("assistance:index")).content.decode()
    assert world.beneficiary_a.name in mine and world.beneficiary_b.name not in mine
    assert '<strong id="assistance-count">1</strong>' in mine
    county = client_for(world.county)
    both = county.get(reverse("assistance:index")).content.decode()
    assert world.beneficiary_a.name in both and world.beneficiary_b.name in both
    applying = county.get(reverse("assistance:index"), {"status": "applying"}).content.decode()
    assert world.beneficiary_a.name in applying and world.beneficiary_b.name not in applying
    assert AuditEntry.objects.filter(actor=world.county, object_repr__startswith="资源链接名单").count() == 2
    assert client_for(world.viewer).get(reverse("assistance:index")).status_code in (403, 404)
