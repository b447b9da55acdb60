from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangbai.registry.models import Beneficiary, BeneficiaryCategory, Category
from tests.conftest import id_number
from tests.registry.helpers import register

VILLAGE_A = "445381002201"


def _no_id(actor, name, categories):
    return register(
        actor,
        VILLAGE_A,
        name,
        no_id_reason="refused",
        gender="F",
        birth_date=date(1941, 3, 3),
        categories=categories,
    )


def test_likely_duplicates_are_listed_and_merged_keeping_history(client, world):
    first = _no_id(world.worker_a, "罗婆婆", ("tekun_dispersed",))
    second = _no_id(world.head_a, "罗婆婆", ("living_alone_elderly",))
    client.force_login(world.worker_a)
    body = client.get(reverse("registry:duplicates")).content.decode()
    assert "罗婆婆" in body and f"编号{first.pk}" in body and f"编号{second.pk}" in body
    # worker B does not see station A's duplicates
    client.force_login(world.worker_b)
    assert "罗婆婆" not in client.get(reverse("registry:duplicates")).content.decode()
    client.force_login(world.worker_a)
    response = client.post(reverse("registry:merge", args=[second.pk]), {"keep": first.pk})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.merged_into == first
    assert set(first.categories.values_list("code", flat=True)) == {"tekun_dispersed", "living_alone_elderly"}
    # the merged record stays, out of the register and its counts
    assert not BeneficiaryCategory.objects.filter(beneficiary=second, active=True).exists()
    listing = client.get(reverse("registry:index"), {"q": "罗婆婆"}).content.decode()
    assert "共 1 人" in listing
    assert "罗婆婆" not in client.get(reverse("registry:duplicates")).content.decode()
    assert "并入本记录" in client.get(first.get_absolute_url()).content.decode()


def test_two_different_id_numbers_are_not_merged(client, world):
    a = register(world.worker_a, VILLAGE_A, "周伯", id_number=id_number("445381", "19500505", "111"))
    b = register(world.worker_a, VILLAGE_A, "周伯", id_number=id_number("445381", "19500505", "133"))
    client.force_login(world.worker_a)
    response = client.post(reverse("registry:merge", args=[b.pk]), {"keep": a.pk})
    assert "不是同一人" in response.content.decode()
    b.refresh_from_db()
    assert b.merged_into is None


def test_the_city_bureau_edits_the_catalogue_and_a_county_may_not(client, world):
    client.force_login(world.city)
    response = client.post(
        reverse("registry:category_create"),
        {
            "code": "veteran_family",
            "name": "优抚对象",
            "umbrella": "special",
            "sort_order": 300,
            "active": "on",
        },
    )
    assert response.status_code == 302
    category = Category.objects.get(code="veteran_family")
    response = client.post(
        reverse("registry:category_edit", args=[category.pk]),
        {"version": category.version, "name": "优抚对象", "umbrella": "special", "sort_order": 300},
    )
    category.refresh_from_db()
    assert category.active is False
    # a retired category is no longer offered at registration
    client.force_login(world.worker_a)
    form = client.get(reverse("registry:household_create")).content.decode()
    assert f'name="p-categories" value="{category.pk}"' not in form
    assert f'name="p-categories" value="{Category.objects.get(code="dibao").pk}"' in form
    client.force_login(world.county)
    assert client.get(reverse("registry:category_create")).status_code == 403


def test_the_list_page_runs_a_fixed_number_of_queries(client, world):
    client.force_login(world.worker_a)
    for i in range(3):
        register(world.worker_a, VILLAGE_A, f"甲{i}", id_number=id_number("445381", "19600101", f"{200 + i}"))
    url = reverse("registry:index")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(25):
        register(
            world.worker_a,
            VILLAGE_A,
            f"乙{i}",
            id_number=id_number("445381", "19600101", f"{300 + i}"),
            categories=("dibao", "disabled"),
        )
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert body.count('data-label="姓名"') == 29
    # 12, and 3 for the audit entry of the view (the entry and its place in the chain)
    assert len(many.captured_queries) == len(few.captured_queries) <= 15


def test_exports_masked_list_with_the_current_filter(client, world):
    import io

    from openpyxl import load_workbook

    register(
        world.worker_a,
        VILLAGE_A,
        "谢姨",
        id_number=id_number("445381", "19700707", "426"),
        categories=("disabled",),
    )
    client.force_login(world.worker_a)
    response = client.get(reverse("registry:export"), {"category": Category.objects.get(code="disabled").pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    text = repr(list(sheet.iter_rows(values_only=True)))
    assert "谢姨" in text and world.beneficiary_a.name not in text
    assert "worker_a" in text
    assert id_number("445381", "19700707", "426") not in text
    assert Beneficiary.objects.filter(name="谢姨").exists()
