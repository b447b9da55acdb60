import logging

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuangbai.core.models import AuditEntry, system_actor
from shuangbai.registry.models import Beneficiary
from tests.conftest import id_number
from tests.registry.helpers import register

VILLAGE_A = "445381002201"


def test_search_by_the_last_four_digits_finds_only_within_scope(client, world):
    number = id_number("445381", "19560707", "135")
    register(world.worker_a, VILLAGE_A, "梁姨", id_number=number)
    client.force_login(world.worker_a)
    body = client.get(reverse("registry:index"), {"q": number[-4:]}).content.decode()
    assert "梁姨" in body and "共 1 人" in body
    assert number not in body and f"445381********{number[-4:]}" in body
    client.force_login(world.worker_b)
    body = client.get(reverse("registry:index"), {"q": number[-4:]}).content.decode()
    assert "梁姨" not in body and "共 0 人" in body


def test_search_by_name(client, world):
    register(world.worker_a, VILLAGE_A, "欧阳丽华", id_number=id_number("445381", "19700101", "246"))
    client.force_login(world.county)
    body = client.get(reverse("registry:index"), {"q": "阳丽"}).content.decode()
    assert "欧阳丽华" in body and "共 1 人" in body


def test_a_full_id_number_is_dropped_from_the_address_bar(client, world):
    client.force_login(world.worker_a)
    number = world.beneficiary_a.id_number
    response = client.get(reverse("registry:index"), {"q": number, "status": "all"})
    assert response.status_code == 302 and response["Location"] == "/registry/?status=all"
    body = client.get(response["Location"]).content.decode()
    assert "完整身份证号请用" in body and number not in body


def test_lookup_by_full_id_number_posts_and_stays_in_scope(client, world):
    client.force_login(world.worker_a)
    response = client.post(reverse("registry:lookup"), {"id_number": world.beneficiary_a.id_number})
    assert response.status_code == 302 and response["Location"] == world.beneficiary_a.get_absolute_url()
    response = client.post(reverse("registry:lookup"), {"id_number": world.beneficiary_b.id_number})
    assert "没有登记此身份证号" in response.content.decode()


def test_a_county_officer_reveals_the_id_number_and_the_reveal_is_audited(client, world):
    person = world.beneficiary_a
    client.force_login(world.county)
    page = client.get(person.get_absolute_url()).content.decode()
    assert person.id_number not in page and person.id_masked in page
    response = client.post(reverse("registry:reveal", args=[person.pk]), HTTP_HX_REQUEST="true")
    assert person.id_number in response.content.decode()
    entry = AuditEntry.objects.get(action="reveal", object_id=str(person.pk))
    assert entry.actor == world.county and person.id_number not in str(entry.changes)


def test_a_worker_may_not_reveal_and_the_viewer_sees_no_person(client, world):
    client.force_login(world.worker_a)
    assert client.post(reverse("registry:reveal", args=[world.beneficiary_a.pk])).status_code == 403
    client.force_login(world.viewer)
    assert client.get(reverse("registry:index")).status_code == 404
    assert client.get(world.beneficiary_c.get_absolute_url()).status_code == 404
    assert not AuditEntry.objects.filter(action="reveal").exists()


def test_the_viewer_sees_counts_per_category_and_umbrella(client, world):
    register(
        system_actor(),
        "445302002201",
        "何伯",
        id_number=id_number("445302", "19450202", "313"),
        categories=("tekun_dispersed", "living_alone_elderly"),
    )
    client.force_login(world.viewer)
    body = client.get(reverse("registry:stats")).content.decode()
    # 云浮市: beneficiaries A, B (罗定市), C (云城区) in 低保; 何伯 in two categories
    assert '<b id="hardship">4</b>' in body and '<b id="special">1</b>' in body
    assert "对象A" not in body and "何伯" not in body


def test_viewing_a_beneficiary_is_audited(client, world):
    client.force_login(world.worker_a)
    client.get(world.beneficiary_a.get_absolute_url())
    assert AuditEntry.objects.filter(
        action="view", object_id=str(world.beneficiary_a.pk), actor=world.worker_a
    ).exists()


def test_the_id_number_never_reaches_the_database_or_the_logs_in_clear(client, world, caplog, settings):
    number = id_number("445381", "19660606", "468")
    caplog.set_level(logging.DEBUG)
    with CaptureQueriesContext(connection) as queries:
        person = register(world.worker_a, VILLAGE_A, "冯叔", id_number=number, health_notes="高血压，独居")
        client.force_login(world.county)
        client.post(reverse("registry:lookup"), {"id_number": number})
        client.get(person.get_absolute_url())
        client.post(reverse("registry:reveal", args=[person.pk]))
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert number not in sql and number[:14] not in sql and "高血压" not in sql
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_beneficiary")
        table = repr(cursor.fetchall())
        cursor.execute("SELECT changes, object_repr FROM core_auditentry")
        audit = repr(cursor.fetchall())
    assert number not in table and number[6:14] + number[14:17] not in table
    assert "高血压" not in table
    assert number not in audit
    assert number not in caplog.text
    assert Beneficiary.objects.get(pk=person.pk).id_number == number
