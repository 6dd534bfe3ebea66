from django.urls import path

from boxoffice.orders import export, views

app_name = "orders"

urlpatterns = [
    path("lookup/", views.lookup, name="lookup"),
    path("event/<bsid:event_id>/", views.event_orders, name="event_orders"),
    path("event/<bsid:event_id>/export.csv", export.export, {"fmt": "csv"}, name="export_csv"),
    path("event/<bsid:event_id>/export.xlsx", export.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("<bsid:order_id>/", views.detail, name="detail"),
    path("<bsid:order_id>/refund/", views.refund, name="refund"),
    path("<bsid:order_id>/resend/", views.resend, name="resend"),
]
