"""Finding 9: a Content-Security-Policy without inline script, and nothing personal kept in a cache."""

import re
from pathlib import Path

from django.test import Client
from django.urls import reverse

import shuangbai

TEMPLATES = Path(shuangbai.__file__).parent


def test_every_page_carries_a_policy_that_allows_no_inline_script(world):
    client = Client()
    client.force_login(world.worker_a)
    for url in ("/", reverse("registry:index"), world.beneficiary_a.get_absolute_url(), "/login/"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["script-src"] == "'self'", (url, policy)
        assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
        assert "http" not in policy  # nothing from another origin unless a deployment adds its tile server


def test_no_template_has_an_inline_script_or_event_handler():
    found = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=\"", text):
            found.append(f"{template.relative_to(TEMPLATES)}: {match.group(0)}")
    assert found == []


def test_personal_pages_exports_and_reveals_are_not_cached(world):
    client = Client()
    client.force_login(world.county)
    person = world.beneficiary_a
    for response in (
        client.get(reverse("registry:index")),
        client.get(person.get_absolute_url()),
        client.get(reverse("registry:export")),
        client.post(reverse("registry:reveal", args=[person.pk])),
    ):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"].split(", ")
