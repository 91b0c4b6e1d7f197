# Issue 13, step 3 of 3: the operator's details live on the request now, and each enquiry's
# assets in EnquiryAsset; the old per-asset columns go.

import django.db.models.deletion
from django.db import migrations, models

DUE_HELP = "Received plus the owner's response target in working days."


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0007_enquiry_requests_data"),
    ]

    operations = [
        migrations.RemoveField(model_name="enquiry", name="asset"),
        migrations.RemoveField(model_name="enquiry", name="email"),
        migrations.RemoveField(model_name="enquiry", name="message"),
        migrations.RemoveField(model_name="enquiry", name="name"),
        migrations.RemoveField(model_name="enquiry", name="organisation"),
        migrations.RemoveField(model_name="historicalenquiry", name="asset"),
        migrations.RemoveField(model_name="historicalenquiry", name="email"),
        migrations.RemoveField(model_name="historicalenquiry", name="message"),
        migrations.RemoveField(model_name="historicalenquiry", name="name"),
        migrations.RemoveField(model_name="historicalenquiry", name="organisation"),
        migrations.AlterField(
            model_name="enquiry",
            name="request",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="enquiries", to="assets.enquiryrequest"),
        ),
        migrations.AlterField(
            model_name="enquiry",
            name="owner",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="enquiries", to="partners.partner"),
        ),
        migrations.AlterField(
            model_name="enquiry",
            name="due_at",
            field=models.DateTimeField(help_text=DUE_HELP, verbose_name="first response due"),
        ),
        migrations.AlterField(
            model_name="historicalenquiry",
            name="due_at",
            field=models.DateTimeField(help_text=DUE_HELP, verbose_name="first response due"),
        ),
        migrations.AddField(
            model_name="enquiry",
            name="assets",
            field=models.ManyToManyField(related_name="enquiries", through="assets.EnquiryAsset", to="assets.asset"),
        ),
        migrations.AlterModelOptions(
            name="enquiry",
            options={"ordering": ["-created_at", "-pk"], "verbose_name_plural": "enquiries"},
        ),
        migrations.AddIndex(
            model_name="enquiry",
            index=models.Index(fields=["owner", "-created_at"], name="enquiry_owner_created_idx"),
        ),
        migrations.AddConstraint(
            model_name="enquiry",
            constraint=models.UniqueConstraint(fields=("request", "owner"), name="enquiry_one_per_owner"),
        ),
    ]
