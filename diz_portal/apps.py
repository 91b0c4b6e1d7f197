from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class DizPortalConfig(AppConfig):
    name = "diz_portal"
    verbose_name = "Site content"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from diz_portal.roles import sync_programme_manager_permissions

        post_migrate.connect(sync_programme_manager_permissions, dispatch_uid="diz-pm-perms")

        from diz_portal.cache import connect_signals

        connect_signals()

        from diz_portal import search

        search.connect_signals()


class PortalAdminConfig(admin_apps.AdminConfig):
    """The stock admin with the programme manager's desk on its index page."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "diz_portal.admin_site.PortalAdminSite"
