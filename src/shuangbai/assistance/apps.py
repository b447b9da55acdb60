from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "shuangbai.assistance"
    verbose_name = "资源链接与物资发放"

    def ready(self) -> None:
        # registers the records on the beneficiary timeline, in the service coverage and the station figures
        from . import hooks  # noqa: F401
