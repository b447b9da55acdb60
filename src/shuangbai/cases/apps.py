from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "shuangbai.cases"
    verbose_name = "个案与转介"

    def ready(self) -> None:
        # the casework's services on the coverage, its events on the timeline, its counts on the station figures
        from . import hooks  # noqa: F401
