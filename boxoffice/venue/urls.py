from django.urls import path

from boxoffice.venue import views

app_name = "venue"

urlpatterns = [
    path("<bsid:event_id>/door/conflicts/", views.conflicts, name="conflicts"),
]
