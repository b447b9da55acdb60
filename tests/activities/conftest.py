"""Fixtures of the activities tests: partners, volunteers and activities made through the services."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from shuangbai.activities.services import activity_record, partner_create, volunteer_create


def jpeg(name: str = "p.jpg") -> SimpleUploadedFile:
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(picture, "JPEG")
    return SimpleUploadedFile(name, picture.getvalue(), "image/jpeg")


@pytest.fixture
def partner(world):
    return partner_create(
        actor=world.worker_a,
        station=world.station_a,
        name="素龙街道妇联",
        kind="government",
        phone="13812345678",
    )


@pytest.fixture
def volunteer(world):
    return volunteer_create(
        actor=world.worker_a, station=world.station_a, name="志愿者小林", phone="13912345678"
    )


@pytest.fixture
def record(world):
    """record(station=station_a, actor=worker_a, **activity_record arguments), held today by default."""

    def make(station=None, *, actor=None, **kwargs):
        values = {
            "title": "喜迎新春送春联",
            "theme": "festival",
            "held_on": timezone.localdate(),
            "place": "凤塘村委",
            "participants": 12,
        } | kwargs
        return activity_record(actor=actor or world.worker_a, station=station or world.station_a, **values)

    return make
