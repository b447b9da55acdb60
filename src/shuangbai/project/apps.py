from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project's own commands (demo, synth, report): they reach across every app, so they sit above them."""

    name = "shuangbai.project"
    label = "project"
    verbose_name = "项目"
