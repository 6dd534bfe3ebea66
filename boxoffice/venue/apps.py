from django.apps import AppConfig


class VenueConfig(AppConfig):
    name = "boxoffice.venue"
    label = "venue"
    verbose_name = "Venue mode"
