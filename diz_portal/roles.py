"""The Programme manager role: a group holding every permission on the portal's own models."""

from django.apps import apps as global_apps
from django.conf import settings

PROGRAMME_MANAGER_GROUP = "Programme manager"
# Beyond the portal apps, programme managers run accounts and see change history.
EXTRA_MODELS = [("auth", "user"), ("account", "emailaddress")]


def portal_permissions(apps=global_apps):
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.filter(app_label__in=settings.PORTAL_APPS)
    extra = [ContentType.objects.filter(app_label=a, model=m).first() for a, m in EXTRA_MODELS]
    return Permission.objects.filter(content_type__in=[*types, *[t for t in extra if t]])


def sync_programme_manager_permissions(sender=None, apps=global_apps, **kwargs):
    """Runs after every migrate, so each app's new models join the group automatically."""
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=PROGRAMME_MANAGER_GROUP)
    group.permissions.add(*portal_permissions(apps))
