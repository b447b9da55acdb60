from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "shuangbai.dashboards"
    verbose_name = "数据看板"
