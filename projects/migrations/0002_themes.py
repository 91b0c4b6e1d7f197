from django.db import migrations

# A copy, not an import: migrations must not change when the model module does.
THEMES = [
    ("connectivity", "Connectivity and infrastructure"),
    ("health", "Health and care"),
    ("digital-inclusion", "Digital inclusion"),
    ("skills", "Skills"),
    ("smart-places", "Smart places"),
    ("economy", "Economy and business"),
    ("covid-19", "COVID-19 response"),
]


def create_themes(apps, schema_editor):
    Theme = apps.get_model("projects", "Theme")
    for order, (slug, name) in enumerate(THEMES):
        Theme.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})


def remove_themes(apps, schema_editor):
    Theme = apps.get_model("projects", "Theme")
    Theme.objects.filter(slug__in=[slug for slug, _ in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(create_themes, remove_themes)]
