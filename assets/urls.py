from django.urls import path

from assets import changes, views

app_name = "assets"
urlpatterns = [
    path("", views.asset_list, name="list"),
    path("map.geojson", views.map_data, name="map-data"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("export.geojson", views.export_geojson, name="export-geojson"),
    path("changes.atom", changes.changes_feed, name="changes"),
    path("data/", views.data_dictionary, name="data"),
    path("data/template.csv", views.import_template, name="import-template"),
    path("quality/", views.data_quality, name="quality"),
    # Before "<str:reference>/": the basket and the operator's pages.
    path("enquiry/", views.basket, name="basket"),
    path("enquiry/sent/", views.enquiry_sent, name="enquiry-sent"),
    path("enquiries/<str:signed>/", views.operator_enquiry, name="operator-enquiry"),
    path(
        "enquiries/<str:signed>/agreement/<int:pk>/",
        views.operator_agreement_copy,
        name="operator-agreement-copy",
    ),
    path(
        "enquiries/<str:signed>/withdraw/<int:pk>/",
        views.operator_withdraw,
        name="operator-withdraw",
    ),
    path("<str:reference>/", views.asset_detail, name="detail"),
    path("<str:reference>/enquiry/", views.enquiry, name="enquiry"),
]
