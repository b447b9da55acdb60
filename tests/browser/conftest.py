"""Browser tests: Debian's Chromium (never a downloaded one) driven by Playwright against the live server.

- `browser`: one headless Chromium per session, from $CHROMIUM (default /usr/bin/chromium). A missing browser
  is a failure with a clear message, never a skip.
- `page`: a fresh browser context per test, desktop-sized unless parametrized indirectly with a viewport
  (`@pytest.mark.parametrize("page", [PHONE], indirect=True)`). Any static file the page fails to load fails
  the test; a screenshot is kept when a test fails.
- `login`: logs in through the real login form.
- `shot`: full-page screenshots into test-results/<test name>/ under the repository root (gitignored).

The live server runs in a thread of this process and shares the in-memory SQLite test database, so tests use
`transactional_db` (requested before `world`, which itself only asks for `db`).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

# Playwright's sync API keeps an asyncio loop in the test thread; Django's ORM would refuse to run beside it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, Page, Response, expect, sync_playwright  # noqa: E402

from tests.conftest import PASSWORD  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = REPO_ROOT / "test-results"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STATIC_FILES = ["css/shuangbai.css", "vendor/htmx/htmx.min.js"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

expect.set_options(timeout=10_000)


def chromium_path() -> str:
    return os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the item so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = chromium_path()
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        pytest.fail(
            f"Chromium not found or not executable at {executable!r}. Install Debian's package "
            "(apt-get install chromium) or point the CHROMIUM environment variable at a Chromium binary; "
            "these tests never download a browser.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        except Exception as error:
            pytest.fail(f"Chromium at {executable!r} failed to start: {error}", pytrace=False)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def package_static() -> None:
    """The live server serves /static/ through the staticfiles finders: they must find the package's files.

    (Otherwise no page gets its CSS or htmx, and `collectstatic` in a real deployment misses them too.)
    """
    missing = [name for name in STATIC_FILES if finders.find(name) is None]
    if missing:
        pytest.fail(
            f"the staticfiles finders cannot find {missing}: settings.STATICFILES_DIRS must include "
            "src/shuangbai/static",
            pytrace=False,
        )


@pytest.fixture
def browser_world(transactional_db, world):
    """The shared `world`, built in a transactional database so the live server thread sees it."""
    return world


def results_dir(node: pytest.Item, *, create: bool = True) -> Path:
    """test-results/<test name>/, the name made safe for a folder (test_x[phone] -> test_x-phone)."""
    path = RESULTS_DIR / re.sub(r"[^\w.-]+", "-", node.name).strip("-")
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def page(request: pytest.FixtureRequest, browser: Browser, live_server, package_static) -> Iterator[Page]:
    viewport = getattr(request, "param", DESKTOP)
    # No stale pictures of an earlier run in this test's folder.
    shutil.rmtree(results_dir(request.node, create=False), ignore_errors=True)
    context = browser.new_context(base_url=live_server.url, viewport=viewport, locale="zh-CN")
    context.set_default_timeout(10_000)
    # No favicon: it would only be an extra request hitting the server (and its shared database connection).
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    page = context.new_page()
    bad_static: list[str] = []

    def check_static(response: Response) -> None:
        if "/static/" in response.url and response.status >= 400:
            bad_static.append(f"{response.status} {response.url}")

    page.on("response", check_static)
    # the Content-Security-Policy forbids inline scripts: a page that still has one shows here
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None,
    )
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        page.screenshot(path=results_dir(request.node) / "failure.png", full_page=True)
    context.close()
    assert not bad_static, f"static files failed to load: {bad_static}"
    assert not blocked, f"the Content-Security-Policy blocked: {blocked}"


@pytest.fixture
def login(page: Page) -> Callable[[str], None]:
    """Log in through the real form as `username` (every user of `world` has the password PASSWORD)."""

    def do_login(username: str, password: str = PASSWORD) -> None:
        page.goto("/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        expect(page).not_to_have_url(re.compile(r"/login/"))

    return do_login


@pytest.fixture
def shot(request: pytest.FixtureRequest, page: Page) -> Callable[[str], Path]:
    """Take a full-page screenshot test-results/<test name>/<name>.png and return its path."""

    def take(name: str) -> Path:
        path = results_dir(request.node) / f"{name}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take
