from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "shuangbai.registry"
    verbose_name = "服务对象（建档立卡）"

    def ready(self) -> None:
        from . import figures  # noqa: F401  (registers 新识别 on the station figures)
