"""OGC API – Features paths, as the standard names them (no trailing slashes)."""

from django.urls import path

from assets.ogcapi import views

app_name = "ogcapi"
urlpatterns = [
    path("", views.landing, name="landing"),
    path("conformance", views.conformance, name="conformance"),
    path("api", views.openapi, name="openapi"),
    path("collections", views.collections, name="collections"),
    path(f"collections/{views.COLLECTION_ID}", views.collection, name="collection"),
    path(f"collections/{views.COLLECTION_ID}/items", views.items, name="items"),
    path(f"collections/{views.COLLECTION_ID}/items/<str:reference>", views.item, name="item"),
]
