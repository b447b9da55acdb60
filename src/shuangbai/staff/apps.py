from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "shuangbai.staff"
    verbose_name = "社工与督导"

    def ready(self) -> None:
        # the supervisor's stations for core.scoping; the head, the staff counts and the staff table on the
        # station pages; the staff in post on the region pages and in the progress table
        from . import hooks  # noqa: F401
