from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "shuangbai.stations"
    verbose_name = "社工站（点）"

    def ready(self) -> None:
        # the stations and points under each child, and a town's stations, on the region pages
        from . import hooks  # noqa: F401
