from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "shuangbai.regions"
    verbose_name = "行政区划"
