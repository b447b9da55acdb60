from django import template

from shuangbai.core.masking import mask_phone
from shuangbai.core.permissions import has_perm

register = template.Library()


@register.filter
def may(user, permission: str) -> bool:
    """{% if user|may:"audit.view" %}: the user's role holds the permission (menus, page-level buttons)."""
    return has_perm(user, permission)


@register.simple_tag(takes_context=True)
def permitted(context, permission: str, obj=None) -> bool:
    """{% permitted "visit.amend" visit as can_amend %}: the user holds the permission on this record."""
    return has_perm(context["user"], permission, obj)


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
