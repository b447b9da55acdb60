from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone

from .scoping import ScopedModel, ScopedQuerySet


class Role(models.TextChoices):
    PROVINCE = "province", "省民政厅"
    CITY = "city", "市民政局"
    COUNTY = "county", "县（市、区）民政局"
    STATION_HEAD = "station_head", "站长"
    WORKER = "worker", "社工"
    SUPERVISOR = "supervisor", "督导"
    VIEWER = "viewer", "只读（看板）"
    SYSTEM = "system", "系统"  # the named account loaders and commands act as; it cannot log in


REGION_ROLES = frozenset({Role.PROVINCE, Role.CITY, Role.COUNTY, Role.VIEWER})
STATION_ROLES = frozenset({Role.STATION_HEAD, Role.WORKER})
BUREAU_ROLES = frozenset({Role.PROVINCE, Role.CITY, Role.COUNTY})


class User(AbstractUser):
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.VIEWER)
    scope_region = models.ForeignKey(
        "regions.Region", verbose_name="管辖区域", null=True, blank=True, on_delete=models.PROTECT
    )
    scope_station = models.ForeignKey(
        "stations.Station", verbose_name="所属社工站", null=True, blank=True, on_delete=models.PROTECT
    )
    staff = models.OneToOneField(
        "staff.Staff",
        verbose_name="对应人员档案",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account",
    )
    display_name = models.CharField("姓名", max_length=50, blank=True)
    # raised by 退出所有设备: every session signed in under an older value ends (core.sessions)
    session_epoch = models.PositiveIntegerField("登录批次", default=0, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["station_head", "worker"])
                | models.Q(scope_station__isnull=False),
                name="station_roles_have_station",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=["province", "city", "county", "viewer"])
                | models.Q(scope_region__isnull=False),
                name="region_roles_have_region",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def home_region_code(self) -> str:
        if self.scope_station_id:
            return self.scope_station.region_code
        if self.scope_region_id:
            return self.scope_region.code
        return ""


SYSTEM_USERNAME = "system"


def system_actor() -> User:
    """The account the demo, synth, migrations and command-line loaders act as, so every write has a real actor
    that the audit log names. A superuser without a usable password; the login backend refuses it too."""
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = User(username=SYSTEM_USERNAME, role=Role.SYSTEM, display_name="系统", is_superuser=True)
        user.set_unusable_password()
        user.save()
    return user


class AuditAction(models.TextChoices):
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    UNLOCK = "unlock", "解除登录锁定"
    LOGOUT = "logout", "退出登录"
    PASSWORD_CHANGE = "password_change", "修改密码"
    VIEW = "view", "查看个人信息"
    CREATE = "create", "新建"
    CHANGE = "change", "修改"
    RETIRE = "retire", "撤销/注销"
    EXPORT = "export", "导出"
    REVEAL = "reveal", "查看完整号码"
    DELETE = "delete", "删除"


class AuditQuerySet(ScopedQuerySet):
    scope_station_field = None  # bureau roles only; scoped by the region the record belongs to

    def update(self, **kwargs):
        raise TypeError("审计日志只能追加，不能修改。")

    def delete(self):
        raise TypeError("审计日志只能追加，不能删除。")


class AuditEntry(ScopedModel, models.Model):
    """Append-only: written by core.audit.audit_record, never edited or deleted through the app."""

    at = models.DateTimeField("时间", default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        User, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField("用户名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=AuditAction.choices)
    object_type = models.CharField("对象类型", max_length=50, blank=True)
    object_id = models.CharField("对象编号", max_length=40, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    region_code = models.CharField("所属区划", max_length=12, blank=True, db_index=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    # The chain (core.audit.chain_of): each entry names the one before it and carries a keyed hash of itself
    # and that one's hash, so an entry edited, deleted or inserted in the database directly is found.
    previous_id = models.BigIntegerField("前一条", null=True, blank=True, editable=False)
    chain = models.CharField("校验链", max_length=64, blank=True, editable=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["action", "actor_name", "ip", "at"], name="audit_login_throttle"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("审计日志只能追加，不能删除。")


class AuditChainHead(models.Model):
    """One row: the newest entry of the audit chain. Every new entry first updates it, which holds the next
    writer until this one commits, so the chain never forks."""

    last_id = models.BigIntegerField(null=True)
    last_chain = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"审计链：第{self.last_id}条"
