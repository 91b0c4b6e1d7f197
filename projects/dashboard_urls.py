"""Partner self-service for projects under /dashboard/projects/ (namespace "dashboard")."""

urlpatterns = []
