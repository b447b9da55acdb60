from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "shuangbai.stations"
    verbose_name = "社工站（点）"
