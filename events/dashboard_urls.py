"""Partner self-service for events under /dashboard/events/ (namespace "dashboard")."""

from django.urls import path

from events import dashboard_views as views

urlpatterns = [
    path("", views.dashboard_index, name="events-index"),
    path("propose/", views.dashboard_propose, name="events-propose"),
    path("<slug:slug>/edit/", views.dashboard_proposal_edit, name="events-edit"),
    path("<slug:slug>/registrations/", views.dashboard_registrations, name="events-registrations"),
    path(
        "<slug:slug>/registrations.csv",
        views.dashboard_registrations_csv,
        name="events-registrations-csv",
    ),
]
