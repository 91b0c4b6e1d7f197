from django.urls import path

from projects import feeds, views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("feed/", feeds.LatestUpdatesFeed(), name="feed"),
    path("export.csv", views.export_csv, name="export-csv"),
    path("<slug:slug>/", views.project_detail, name="detail"),
    path("<slug:slug>/feed/", feeds.ProjectUpdatesFeed(), name="project-feed"),
]
