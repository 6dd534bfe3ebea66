from django.urls import path

from boxoffice.events import ticket_types, views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.event_create, name="create"),
    path("<bsid:event_id>/", views.event_detail, name="detail"),
    path("<bsid:event_id>/summary/", views.event_summary, name="summary"),
    path("<bsid:event_id>/charts/", views.event_charts, name="charts"),
    path("<bsid:event_id>/edit/", views.event_edit, name="edit"),
    path("<bsid:event_id>/publish/", views.event_publish, name="publish"),
    path("<bsid:event_id>/cancel/", views.event_cancel, name="cancel"),
    path("<bsid:event_id>/delete/", views.event_delete, name="delete"),
    path("<bsid:event_id>/tickets/new/", ticket_types.ticket_type_create, name="ticket_type_create"),
    path("<bsid:event_id>/tickets/<bsid:ticket_type_id>/", ticket_types.ticket_type_row, name="ticket_type_row"),
    path("<bsid:event_id>/tickets/<bsid:ticket_type_id>/edit/", ticket_types.ticket_type_edit, name="ticket_type_edit"),
]
