from django.urls import path

from partners import views

app_name = "partners"
urlpatterns = [
    path("", views.partner_list, name="list"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("invitation/<str:token>/", views.accept_invitation, name="invitation"),
    path("<slug:slug>/", views.partner_detail, name="detail"),
]
