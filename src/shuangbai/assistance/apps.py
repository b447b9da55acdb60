from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "shuangbai.assistance"
    verbose_name = "资源链接与物资发放"

    def ready(self) -> None:
        # registers the records on the beneficiary timeline, in the service coverage and the station figures
        from shuangbai.core.permissions import HOLDER, register_rule

        from . import hooks  # noqa: F401
        from .services import holder_rule

        register_rule(HOLDER, holder_rule)
