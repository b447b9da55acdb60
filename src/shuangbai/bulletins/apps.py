from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "shuangbai.bulletins"
    verbose_name = "工作简报"

    def ready(self) -> None:
        from shuangbai.core.permissions import ARTICLE_EDITOR, ARTICLE_UNIT, OWN_CITY, register_rule

        from .services import article_editor_rule, article_unit_rule, own_city_rule

        register_rule(OWN_CITY, own_city_rule)
        register_rule(ARTICLE_EDITOR, article_editor_rule)
        register_rule(ARTICLE_UNIT, article_unit_rule)
