from django.db import migrations

DISTRICTS = [
    ("Broxbourne", "broxbourne", "hertfordshire"),
    ("East Hertfordshire", "east-hertfordshire", "hertfordshire"),
    ("Epping Forest", "epping-forest", "essex"),
    ("Harlow", "harlow", "essex"),
    ("Uttlesford", "uttlesford", "essex"),
]


def create_districts(apps, schema_editor):
    District = apps.get_model("partners", "District")
    for name, slug, county in DISTRICTS:
        District.objects.update_or_create(slug=slug, defaults={"name": name, "county": county})


def remove_districts(apps, schema_editor):
    apps.get_model("partners", "District").objects.filter(
        slug__in=[slug for _, slug, _ in DISTRICTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]
    operations = [migrations.RunPython(create_districts, remove_districts)]
