from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "shuangbai.staff"
    verbose_name = "社工与督导"
