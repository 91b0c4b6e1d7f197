from django.urls import path

from events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("past/", views.event_past, name="past"),
    path("calendar.ics", views.calendar_feed, name="feed"),
    path("series/<slug:slug>/calendar.ics", views.series_calendar, name="series-calendar"),
    path("registrations/<str:token>/", views.registration_manage, name="manage"),
    path(
        "registrations/<str:token>/confirmation/",
        views.registration_confirmation,
        name="confirmation",
    ),
    path("registrations/<str:token>/cancel/", views.registration_cancel, name="cancel"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/calendar.ics", views.event_calendar, name="calendar"),
]
