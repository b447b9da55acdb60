from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "shuangbai.supervision"
    verbose_name = "督导检查与监测评估"

    def ready(self) -> None:
        # the open recommendations on a station's page
        from . import hooks  # noqa: F401
