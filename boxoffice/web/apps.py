from django.apps import AppConfig


class WebConfig(AppConfig):
    """What every page shares; ready() connects the health pill to the SDK's failure signal."""

    name = "boxoffice.web"
    label = "web"

    def ready(self):
        from boxoffice.brightstar.signals import exchange_failed
        from boxoffice.web import health

        exchange_failed.connect(health.on_exchange_failed, dispatch_uid="boxoffice.web.health")
