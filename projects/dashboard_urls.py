"""Partner self-service for projects under /dashboard/projects/ (namespace "dashboard")."""

from django.urls import path

from projects import dashboard_views as views

urlpatterns = [
    path("", views.dashboard_list, name="projects-list"),
    path("<int:pk>/", views.dashboard_project, name="projects-manage"),
    path("<int:pk>/edit/", views.dashboard_edit, name="projects-edit"),
    path("<int:pk>/updates/add/", views.dashboard_update_add, name="projects-update-add"),
    path(
        "<int:pk>/updates/<int:update_pk>/edit/",
        views.dashboard_update_edit,
        name="projects-update-edit",
    ),
]
