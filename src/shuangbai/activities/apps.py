from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "shuangbai.activities"
    verbose_name = "社区活动、志愿者与合作单位"

    def ready(self) -> None:
        # the coverage's service source, the beneficiary timeline and the station figures
        from . import hooks  # noqa: F401
