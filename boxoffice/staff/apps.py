from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "boxoffice.staff"
    label = "staff"
    verbose_name = "Staff and roles"

    def ready(self):
        from boxoffice.staff import checks  # noqa: F401 - registers the system checks
