from django.urls import path

from boxoffice.orders import views

app_name = "orders"

urlpatterns = [
    path("lookup/", views.lookup, name="lookup"),
    path("event/<bsid:event_id>/", views.event_orders, name="event_orders"),
    path("<bsid:order_id>/", views.detail, name="detail"),
    path("<bsid:order_id>/refund/", views.refund, name="refund"),
    path("<bsid:order_id>/resend/", views.resend, name="resend"),
]
