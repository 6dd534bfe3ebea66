from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"
    verbose_name = "BrightStar sandbox API"

    def ready(self):
        from sandbox import signals  # noqa: F401 - connects the receivers
