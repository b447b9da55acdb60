import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangbai.cases.models import Agency, Case
from shuangbai.cases.services import case_note_add, referral_create, review_add
from shuangbai.regions.models import Region
from shuangbai.registry.models import Category

from .conftest import OPENED


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_worker_opens_a_case_from_the_beneficiary(world, agencies):
    url = f"{reverse('cases:create')}?beneficiary={world.beneficiary_a.pk}"
    client = _client(world.worker_a)
    assert "开案 · 对象A" in client.get(url).content.decode()
    response = client.post(
        url, {"opened_on": OPENED.isoformat(), "source": "walk_in", "presenting_problem": "来站求助：取暖"}
    )
    case = Case.objects.get(beneficiary=world.beneficiary_a)
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.worker == world.staff_a
    again = client.post(
        url, {"opened_on": OPENED.isoformat(), "source": "walk_in", "presenting_problem": "再开"}
    )
    assert "已有在案个案" in again.content.decode()


def test_a_person_not_yet_registered_is_registered_from_the_case_list(world, agencies):
    url = f"{reverse('cases:create_person')}?station={world.station_a.pk}"
    client = _client(world.worker_a)
    page = client.get(url).content.decode()
    assert "凤塘村" in page and "柑园村" not in page  # only the villages of the station's town

    response = client.post(
        url,
        {
            "c-opened_on": OPENED.isoformat(),
            "c-source": "hotline",
            "c-presenting_problem": "热线求助",
            "hh-village": Region.objects.get(code="445381002201").pk,
            "hh-address": "凤塘村3号",
            "p-name": "来电人",
            "p-no_id_reason": "refused",
            "p-gender": "M",
            "p-birth_date": "1960-01-01",
            "p-categories": [Category.objects.get(code="dibao").pk],
            "p-living_situation": "alone",
            "p-risk_level": "low",
            "p-follow_up_level": "3",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(beneficiary__name="来电人")
    assert case.source == "hotline" and case.station == world.station_a


def test_the_case_page_shows_everything(world, open_case, agencies):
    case = open_case("a")
    case_note_add(actor=world.worker_a, case=case, written_on=OPENED, text="入户评估居住情况")
    referral_create(
        actor=world.worker_a,
        case=case,
        agency=agencies["云浮市救助站"],
        purpose="跨市护送",
        referred_on=OPENED,
    )
    review_add(actor=world.supervisor, case=case, reviewed_on=OPENED, comment="注意家属的照顾压力")
    page = _client(world.worker_a).get(case.get_absolute_url()).content.decode()
    for text in (
        "来站求助" if case.source == "walk_in" else "走访发现",
        "入户评估居住情况",
        "云浮市救助站",
        "跨市护送",
        "已转出",
        "注意家属的照顾压力",
        "记录进展",
        "结案",
    ):
        assert text in page, text


def test_a_supervisor_reads_cases_of_assigned_stations_only_and_records_reviews(world, open_case):
    case_b, case_c = open_case("b"), open_case("c")
    client = _client(world.supervisor)
    page = client.get(case_b.get_absolute_url()).content.decode()
    assert "记录督导意见" in page and "记录本次服务" not in page
    assert client.get(case_c.get_absolute_url()).status_code == 404
    assert client.post(reverse("cases:review_create", args=[case_c.pk]), {"comment": "x"}).status_code == 404
    response = client.post(
        reverse("cases:review_create", args=[case_b.pk]),
        {"reviewed_on": OPENED.isoformat(), "comment": "目标需具体"},
    )
    assert response.status_code == 302 and case_b.reviews.get().comment == "目标需具体"
    assert client.post(reverse("cases:note_create", args=[case_b.pk]), {"text": "x"}).status_code == 403


def test_the_viewer_never_sees_a_case(world, open_case):
    case = open_case("a")
    client = _client(world.viewer)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert client.get(reverse("cases:index")).status_code == 404


def test_the_list_filters_by_status_and_counts(world, open_case, django_assert_max_num_queries):
    open_case("a")
    client = _client(world.county)
    url = f"{reverse('cases:index')}?station={world.station_a.pk}"
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert "对象A" in page and "在案 <strong>1</strong>" in page
    assert "对象A" not in client.get(url + "&status=closed").content.decode()


def test_the_list_does_not_grow_queries_with_cases(world, open_case):
    client = _client(world.county)
    open_case("a")
    url = reverse("cases:index")

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    open_case("b")
    open_case("c")
    with CaptureQueriesContext(connection) as three:
        client.get(url)
    assert len(three) == len(one)


def test_an_identifying_write_up_is_refused_on_the_page(world, open_case):
    case = open_case("a")
    client = _client(world.worker_a)
    url = reverse("cases:exemplary", args=[case.pk])
    draft = client.get(url).content.decode()
    assert "小对" in draft  # the draft's nickname
    response = client.post(
        url, {"version": case.version, "nickname": "小对", "title": "温暖", "text": "对象A过冬"}
    )
    assert "姓名“对象A”" in response.content.decode()
    assert not Case.objects.get(pk=case.pk).exemplary


@pytest.mark.parametrize("user", ["province", "city"])
def test_the_province_and_city_keep_the_agency_catalogue(world, agencies, user):
    client = _client(getattr(world, user))
    response = client.post(
        reverse("cases:agencies"), {"name": "新兴县妇联", "kind": "womens_federation", "region": "445321"}
    )
    assert response.status_code == 302

    assert Agency.objects.get(name="新兴县妇联").region.name == "新兴县"
    assert _client(world.county).get(reverse("cases:agencies")).status_code == 403
