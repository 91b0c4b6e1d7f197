"""Partner self-service under /dashboard/ (namespace "dashboard"; names start with the app)."""

from django.urls import path

from partners import dashboard_views as views

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("partners/<slug:slug>/edit/", views.partner_edit, name="partners-edit"),
]
