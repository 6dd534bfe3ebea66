from django.urls import path

from boxoffice.door import device_views, export, overview, views

app_name = "door"

urlpatterns = [
    path("<bsid:event_id>/door/", views.scan, name="scan"),
    path("<bsid:event_id>/door/undo/", views.undo, name="undo"),
    path("<bsid:event_id>/door/counters/", views.counters_view, name="counters"),
    path("<bsid:event_id>/door/mode/", views.mode_view, name="mode"),
    path("<bsid:event_id>/door/search/", views.search, name="search"),
    path("<bsid:event_id>/doors/", overview.overview, name="overview"),
    # Venue mode, layer 2: the door phone's copy, its upload, its service worker.
    path("<bsid:event_id>/door/device/copy/", device_views.copy, name="device_copy"),
    path("<bsid:event_id>/door/device/upload/", device_views.upload, name="device_upload"),
    path("<bsid:event_id>/door/sw.js", device_views.service_worker, name="device_sw"),
    path("<bsid:event_id>/attendees/", views.attendees, name="attendees"),
    path("<bsid:event_id>/attendees/export.csv", export.export, name="export"),
    path("<bsid:event_id>/attendees/print/", views.attendees_print, name="attendees_print"),
]
