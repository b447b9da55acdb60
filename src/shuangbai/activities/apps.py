from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "shuangbai.activities"
    verbose_name = "社区活动、志愿者与合作单位"

    def ready(self) -> None:
        # the coverage's service source, the beneficiary timeline and the station figures
        from shuangbai.core.permissions import REGION_RECORD, register_rule

        from . import hooks  # noqa: F401
        from .services import region_record_rule

        register_rule(REGION_RECORD, region_record_rule)
