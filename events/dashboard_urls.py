"""Partner self-service for events under /dashboard/events/ (namespace "dashboard")."""

urlpatterns = []
