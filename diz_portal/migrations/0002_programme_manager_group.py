from django.db import migrations


def create_group(apps, schema_editor):
    from diz_portal.roles import PROGRAMME_MANAGER_GROUP

    apps.get_model("auth", "Group").objects.get_or_create(name=PROGRAMME_MANAGER_GROUP)


def remove_group(apps, schema_editor):
    from diz_portal.roles import PROGRAMME_MANAGER_GROUP

    apps.get_model("auth", "Group").objects.filter(name=PROGRAMME_MANAGER_GROUP).delete()


class Migration(migrations.Migration):
    """The group's permissions are granted after each migrate (diz_portal.roles)."""

    dependencies = [("diz_portal", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_group, remove_group)]
