from django.test import Client

from shuangbai.core.models import AuditAction, AuditEntry
from tests.conftest import PASSWORD


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_a_good_login_lands_on_the_users_home_and_is_audited(world):
    client = Client()
    response = _login(client, "county", PASSWORD)
    assert response.status_code == 302
    home = client.get("/")  # the county's home: its dashboard and the way to every page it may open
    assert home.status_code == 200
    assert (
        "<h1>数据看板：罗定市</h1>" in home.content.decode() and "/visits/coverage/" in home.content.decode()
    )
    entry = AuditEntry.objects.filter(action=AuditAction.LOGIN).get()
    assert (entry.actor, entry.ip, entry.region_code) == (world.county, "10.0.0.1", "445381000000")


def test_a_failed_login_says_so_in_chinese_and_is_audited(world):
    response = _login(Client(), "county", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (entry.actor_name, entry.ip, entry.region_code) == ("county", "10.0.0.1", "445381000000")
    # The county's bureau sees the attempt on its audit page; another county's does not.
    page = Client()
    page.force_login(world.county)
    assert (
        '<td data-label="操作">登录失败</td>'
        in page.get("/audit/", {"action": "login_failed"}).content.decode()
    )
    _login(Client(), "no-such-user", "x")
    assert AuditEntry.objects.get(actor_name="no-such-user").region_code == ""


def test_a_run_of_failures_locks_that_username_from_that_address(world, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        _login(client, "county", "wrong-password")
    response = _login(client, "county", PASSWORD)
    assert response.status_code == 200, "the right password must not get in while locked"
    assert "连续登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The same user from another address, and another user from this one, are not locked.
    assert _login(Client(), "county", PASSWORD, ip="10.0.0.2").status_code == 302
    assert _login(Client(), "city", PASSWORD).status_code == 302


def test_the_lock_lifts_after_the_window(world, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_FAILURE_WINDOW_MINUTES = 15
    for _ in range(2):
        _login(Client(), "county", "wrong-password")
    # Age the failures past the window (raw SQL: the app itself cannot edit audit entries).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditentry SET at = at - INTERVAL '1 hour'"
            if connection.vendor == "postgresql"
            else "UPDATE core_auditentry SET at = datetime(at, '-1 hour')"
        )
    assert _login(Client(), "county", PASSWORD).status_code == 302


def test_a_success_resets_the_run(world, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(2):
        _login(Client(), "county", "wrong-password")
    assert _login(Client(), "county", PASSWORD).status_code == 302
    for _ in range(2):
        _login(Client(), "county", "wrong-password")
    assert _login(Client(), "county", PASSWORD).status_code == 302


def test_password_change_requires_the_old_password_and_is_audited(world):
    client = Client()
    client.force_login(world.worker_a)
    response = client.post(
        "/password/",
        {"old_password": "nope", "new_password1": "a-new-long-pass", "new_password2": "a-new-long-pass"},
    )
    assert response.status_code == 200
    assert "旧密码" in response.content.decode() or "原密码" in response.content.decode()
    response = client.post(
        "/password/",
        {"old_password": PASSWORD, "new_password1": "a-new-long-pass", "new_password2": "a-new-long-pass"},
    )
    assert response.status_code == 302
    world.worker_a.refresh_from_db()
    assert world.worker_a.check_password("a-new-long-pass")
    assert AuditEntry.objects.filter(action=AuditAction.PASSWORD_CHANGE, actor=world.worker_a).exists()


def test_sessions_expire_and_cookies_are_safe(settings):
    from shuangbai import settings as project

    assert project.SESSION_COOKIE_AGE <= 12 * 3600
    assert project.SESSION_COOKIE_HTTPONLY
    assert project.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert project.DEBUG is False


def _login_via(client, username, password, *, remote, forwarded=""):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=remote, headers=headers
    )


def test_forged_forwarded_for_neither_escapes_the_lock_nor_locks_out_a_victim(world, settings):
    """Finding 1: X-Forwarded-For is the client's to write; without a named proxy it is not believed."""
    settings.HTTPS = True
    settings.TRUSTED_PROXIES = frozenset()
    for n in range(12):
        _login_via(Client(), "county", "wrong-password", remote="10.0.0.66", forwarded=f"172.16.0.{n}")
    assert (
        _login_via(Client(), "county", PASSWORD, remote="10.0.0.66", forwarded="172.16.0.99").status_code
        == 200
    )
    assert set(AuditEntry.objects.filter(action="login_failed").values_list("ip", flat=True)) == {"10.0.0.66"}
    # five failures claiming the victim's address lock only the attacker's own
    for _ in range(5):
        _login_via(Client(), "city", "wrong-password", remote="10.0.0.66", forwarded="10.9.9.9")
    assert _login_via(Client(), "city", PASSWORD, remote="10.9.9.9").status_code == 302


def test_behind_a_named_proxy_the_client_is_the_hop_the_proxy_added(world, settings):
    settings.TRUSTED_PROXIES = frozenset({"127.0.0.1", "10.1.1.1"})
    # the client wrote 1.2.3.4; the outer proxy 10.1.1.1 added the real client 10.0.0.7; nginx on 127.0.0.1
    _login_via(
        Client(), "county", "wrong-password", remote="127.0.0.1", forwarded="1.2.3.4, 10.0.0.7, 10.1.1.1"
    )
    assert AuditEntry.objects.get(action="login_failed").ip == "10.0.0.7"
    # a direct connection from elsewhere: its header is not believed
    _login_via(Client(), "county", "wrong-password", remote="10.0.0.8", forwarded="10.0.0.9")
    assert AuditEntry.objects.filter(action="login_failed", ip="10.0.0.8").count() == 1


def test_a_username_locks_after_failures_from_many_addresses_until_its_bureau_releases_it(world, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.LOGIN_USER_FAILURE_LIMIT = 4
    for n in range(4):
        _login_via(Client(), "worker_a", "wrong-password", remote=f"10.0.1.{n}")
    refused = _login_via(Client(), "worker_a", PASSWORD, remote="10.0.2.1")
    assert refused.status_code == 200 and "连续登录失败次数过多" in refused.content.decode()
    bureau = Client()
    bureau.force_login(world.county)
    page = bureau.get("/audit/").content.decode()
    assert 'id="locked-accounts"' in page and "worker_a" in page
    assert bureau.get("/audit/unlock/").status_code == 405
    response = bureau.post("/audit/unlock/", {"username": "worker_a"}, follow=True)
    assert "已解除worker_a的登录锁定" in response.content.decode()
    entry = AuditEntry.objects.get(action="unlock")
    assert (entry.actor, entry.object_id) == (world.county, str(world.worker_a.pk))
    assert _login_via(Client(), "worker_a", PASSWORD, remote="10.0.2.1").status_code == 302
    # a worker cannot release anybody
    worker = Client()
    worker.force_login(world.worker_b)
    assert worker.post("/audit/unlock/", {"username": "worker_a"}).status_code in (403, 404)


def test_a_bureau_cannot_release_an_account_outside_its_region(world, settings):
    settings.LOGIN_USER_FAILURE_LIMIT = 2
    for n in range(2):
        _login_via(Client(), "city", "wrong-password", remote=f"10.0.3.{n}")
    county = Client()
    county.force_login(world.county)  # 罗定市 neither lists nor releases the city's account
    assert 'id="locked-accounts"' not in county.get("/audit/").content.decode()
    response = county.post("/audit/unlock/", {"username": "city"}, follow=True)
    assert "不在您的管辖范围内" in response.content.decode()
    assert not AuditEntry.objects.filter(action="unlock").exists()


def test_the_admin_login_is_the_same_door_with_the_same_lock():
    """Finding 2: /admin/login/ used to skip the lockout."""
    response = Client().get("/admin/login/", {"next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/login/?next=%2Fadmin%2F"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _age(client: Client, **seconds) -> None:
    session = client.session
    for key, value in seconds.items():
        session[key] = session[key] - value
    session.save()


def test_a_sign_in_ends_after_idling_sooner_for_a_bureau(world, settings):
    settings.IDLE_MINUTES, settings.IDLE_MINUTES_BUREAU = 120, 30
    bureau, worker = _signed_in(world.county), _signed_in(world.worker_a)
    for client in (bureau, worker):
        _age(client, seen_at=45 * 60)
    response = bureau.get("/registry/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    assert "_auth_user_id" not in bureau.session
    assert "长时间未操作" in bureau.get(response["Location"]).content.decode()
    assert worker.get("/registry/").status_code == 200  # 45 minutes is within a worker's two hours
    _age(worker, seen_at=3 * 3600)
    assert worker.get("/registry/").status_code == 302


def test_a_busy_sign_in_still_ends_at_its_lifetime(world, settings):
    client = _signed_in(world.worker_a)
    _age(client, signed_in_at=settings.SESSION_COOKIE_AGE + 60)
    response = client.get("/")
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_logging_out_everywhere_ends_the_other_sessions_but_this_one(world):
    phone, desk = _signed_in(world.worker_a), _signed_in(world.worker_a)
    assert phone.get("/").status_code == 200
    page = desk.get("/password/").content.decode()
    assert 'id="logout-everywhere"' in page
    response = desk.post("/password/everywhere/", follow=True)
    assert "已退出所有其他设备上的登录" in response.content.decode()
    assert desk.get("/").status_code == 200
    lost = phone.get("/")
    assert lost.status_code == 302 and "_auth_user_id" not in phone.session
    assert AuditEntry.objects.filter(object_repr__contains="退出所有其他设备的登录").count() == 1
