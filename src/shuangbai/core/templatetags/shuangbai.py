from django import template

from shuangbai.core.masking import mask_phone

register = template.Library()


@register.filter
def masked_phone(value: str) -> str:
    return mask_phone(value)


@register.filter
def age(birth_date) -> int | str:
    """Whole years from a birth date to today (Asia/Shanghai)."""
    if not birth_date:
        return ""
    from django.utils import timezone

    from shuangbai.core.dates import age_on

    return age_on(birth_date, timezone.localdate())
