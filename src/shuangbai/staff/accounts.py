"""Accounts: creating users with a role and a scope (a supervisor's account comes with a supervisor record,
so this lives with the staff)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from shuangbai.core.audit import audit_record
from shuangbai.core.models import REGION_ROLES, STATION_ROLES, AuditAction, Role, User
from shuangbai.regions.models import Level, Region
from shuangbai.stations.models import Station

from .models import Kind
from .services import staff_create, supervisor_assign

ROLE_LEVELS = {
    Role.PROVINCE: {Level.PROVINCE},
    Role.CITY: {Level.CITY},
    Role.COUNTY: {Level.COUNTY},
    Role.VIEWER: {Level.PROVINCE, Level.CITY, Level.COUNTY},
    Role.SUPERVISOR: {Level.CITY, Level.COUNTY, Level.TOWN},
}


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    password: str | None,
    role: str,
    scope_code: str,
    display_name: str = "",
    staff=None,
) -> User:
    """A user of `role` whose scope is the region (or, for station roles, the station of the town) `scope_code`.

    A supervisor is given a supervisor record, if `staff` is not one, assigned to every station in the scope.
    Without a password the account cannot log in until one is set."""
    if role not in Role.values:
        raise ValidationError({"role": f"未知角色“{role}”，可选：{', '.join(Role.values)}。"})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已存在。"})
    region = Region.objects.filter(code=scope_code).first()
    if region is None:
        raise ValidationError({"scope": f"区划代码 {scope_code} 不存在。"})
    user = User(username=username, role=role, display_name=display_name)
    if role in STATION_ROLES:
        station = (
            Station.objects.unscoped("the station of the town the account is for")
            .active()
            .filter(town=region)
            .first()
        )
        if station is None:
            raise ValidationError({"scope": f"{region.name}（{scope_code}）没有在用的社工站。"})
        user.scope_station = station
        user.scope_region = region
    else:
        if Level(region.level) not in ROLE_LEVELS[Role(role)]:
            raise ValidationError(
                {
                    "scope": f"角色“{Role(role).label}”的范围不能是{region.get_level_display()}（{region.name}）。"
                }
            )
        if role in REGION_ROLES:
            user.scope_region = region
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    if role == Role.SUPERVISOR:
        if staff is None or staff.kind != Kind.SUPERVISOR:
            staff = staff_create(
                actor=actor,
                kind=Kind.SUPERVISOR,
                name=display_name or username,
                gender="F",
                hired_on=date.today(),
                region=region,
            )
        stations = Station.objects.unscoped("a new supervisor is assigned every station of their region")
        stations = list(stations.active().filter(region_code__startswith=region.prefix))
        supervisor_assign(actor=actor, supervisor=staff, stations=stations, on_date=staff.hired_on)
    user.staff = staff
    user.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=user, region_code=region.code)
    return user
