from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "shuangbai.bulletins"
    verbose_name = "工作简报"
