from django.urls import path

from boxoffice.orders import views

app_name = "orders"

urlpatterns = [
    path("lookup/", views.lookup, name="lookup"),
    path("event/<str:event_id>/", views.event_orders, name="event_orders"),
    path("<str:order_id>/", views.detail, name="detail"),
    path("<str:order_id>/refund/", views.refund, name="refund"),
    path("<str:order_id>/resend/", views.resend, name="resend"),
]
