"""Partner self-service for assets under /dashboard/assets/ (namespace "dashboard")."""

urlpatterns = []
