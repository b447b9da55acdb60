from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "shuangbai.visits"
    verbose_name = "入户走访与跟进"

    def ready(self) -> None:
        from shuangbai.core.permissions import VISIT_AUTHOR, register_rule

        from . import figures, timeline  # noqa: F401  (the visits' events on the timeline, their station figures)
        from .services import visit_author_rule

        register_rule(VISIT_AUTHOR, visit_author_rule)
