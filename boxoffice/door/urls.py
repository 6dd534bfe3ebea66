from django.urls import path

from boxoffice.door import export, views

app_name = "door"

urlpatterns = [
    path("<bsid:event_id>/door/", views.scan, name="scan"),
    path("<bsid:event_id>/door/undo/", views.undo, name="undo"),
    path("<bsid:event_id>/door/counters/", views.counters_view, name="counters"),
    path("<bsid:event_id>/door/mode/", views.mode_view, name="mode"),
    path("<bsid:event_id>/door/search/", views.search, name="search"),
    path("<bsid:event_id>/attendees/", views.attendees, name="attendees"),
    path("<bsid:event_id>/attendees/export.csv", export.export, name="export"),
    path("<bsid:event_id>/attendees/print/", views.attendees_print, name="attendees_print"),
]
