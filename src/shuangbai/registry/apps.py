from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "shuangbai.registry"
    verbose_name = "服务对象（建档立卡）"
