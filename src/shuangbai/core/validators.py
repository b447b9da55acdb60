"""One rule for phone numbers everywhere a beneficiary's or household's phone is typed or imported."""

import re

PHONE_PATTERN = r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?"
PHONE_RE = re.compile(PHONE_PATTERN)
PHONE_ERROR = (
    "电话应为11位手机号码（如13812345678）或带区号的固定电话（如0766-1234567，分机可写在后面：-123）。"
)


def normalise_phone(text: str) -> str:
    """Spaces and a +86 prefix dropped; '' if what is left is not a phone number."""
    text = text.replace(" ", "")
    if text.startswith("+86"):
        text = text[3:]
    return text if PHONE_RE.fullmatch(text) else ""


def gps_constraint(name: str):
    """A position is both coordinates, in range, or neither (a latitude alone means nothing)."""
    from django.db import models
    from django.db.models import Q

    return models.CheckConstraint(
        condition=Q(latitude__isnull=True, longitude__isnull=True)
        | Q(
            latitude__isnull=False,
            longitude__isnull=False,
            latitude__gte=-90,
            latitude__lte=90,
            longitude__gte=-180,
            longitude__lte=180,
        ),
        name=name,
    )
