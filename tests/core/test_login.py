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
