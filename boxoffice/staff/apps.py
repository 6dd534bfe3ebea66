from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "boxoffice.staff"
    label = "staff"
    verbose_name = "Staff and roles"
