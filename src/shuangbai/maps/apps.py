from django.apps import AppConfig


class MapsConfig(AppConfig):
    name = "shuangbai.maps"
    verbose_name = "服务地图"
