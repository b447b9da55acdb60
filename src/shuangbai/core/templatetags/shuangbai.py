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

    today = timezone.localdate()
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
