"""Partner self-service for assets under /dashboard/assets/ (namespace "dashboard")."""

from django.urls import path

from assets import dashboard_views as views

urlpatterns = [
    path("", views.asset_list, name="assets-list"),
    path("add/", views.asset_add, name="assets-add"),
    path("import/", views.asset_import, name="assets-import"),
    path("import/<int:pk>/", views.asset_import_preview, name="assets-import-preview"),
    path("import/<int:pk>/status.json", views.asset_import_status, name="assets-import-status"),
    path("enquiries/", views.enquiry_list, name="assets-enquiries"),
    path("enquiries/<int:pk>/", views.enquiry_detail, name="assets-enquiry"),
    path(
        "enquiries/<int:pk>/agreement/signed-copy/",
        views.agreement_signed_copy,
        name="assets-agreement-copy",
    ),
    path("<str:reference>/edit/", views.asset_edit, name="assets-edit"),
    path("<str:reference>/retire/", views.asset_retire, name="assets-retire"),
]
