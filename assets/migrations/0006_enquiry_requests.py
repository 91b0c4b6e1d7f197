# Issue 13, step 1 of 3: baskets. An operator's request (EnquiryRequest) holds what they typed;
# each owner's Enquiry links to its own assets (EnquiryAsset) and keeps the stage, the clock
# and the thread (EnquiryMessage). New columns start empty; 0007 fills them, 0008 removes the
# old per-asset columns.

import assets.models
import diz_portal.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

STATUSES = [
    ("received", "Received"),
    ("under_review", "Under review"),
    ("terms_offered", "Terms offered"),
    ("agreed", "Agreed"),
    ("declined", "Declined"),
    ("withdrawn", "Withdrawn"),
]
DUE_HELP = "Received plus the owner's response target in working days."


def status_field():
    return models.CharField(choices=STATUSES, db_index=True, default="received", max_length=20)


def note_status_field():
    return models.CharField(
        blank=True,
        choices=STATUSES,
        help_text="Empty for a note that does not change the stage.",
        max_length=20,
        verbose_name="status set to",
    )


def note_field():
    return models.TextField(
        blank=True, max_length=5000, validators=[assets.models.validate_no_nul]
    )


def stamp():
    return models.DateTimeField(blank=True, editable=False, null=True)


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0005_asset_profile"),
        ("partners", "0005_response_target_days"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="EnquiryRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, validators=[diz_portal.validators.validate_single_line], verbose_name="your name")),
                ("organisation", models.CharField(max_length=200, validators=[diz_portal.validators.validate_single_line])),
                ("email", models.EmailField(max_length=254, verbose_name="email address")),
                ("message", models.TextField(max_length=5000, validators=[assets.models.validate_no_nul])),
                ("install", models.TextField(blank=True, max_length=1000, validators=[assets.models.validate_no_nul], verbose_name="what you want to install")),
                ("wanted_by", models.DateField(blank=True, null=True, verbose_name="when you would like to install it")),
                ("key", models.CharField(default=assets.models.new_enquiry_key, editable=False, max_length=40)),
                ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False)),
            ],
            options={"verbose_name": "enquiry request", "ordering": ["-created_at"]},
        ),
        migrations.AddField(
            model_name="enquiry",
            name="request",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name="enquiries", to="assets.enquiryrequest"),
        ),
        migrations.AddField(
            model_name="historicalenquiry",
            name="request",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="assets.enquiryrequest"),
        ),
        migrations.AddField(
            model_name="enquiry",
            name="owner",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="enquiries", to="partners.partner"),
        ),
        migrations.AddField(
            model_name="historicalenquiry",
            name="owner",
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="partners.partner"),
        ),
        migrations.AddField(
            model_name="enquiry",
            name="due_at",
            field=models.DateTimeField(null=True, help_text=DUE_HELP, verbose_name="first response due"),
        ),
        migrations.AddField(
            model_name="historicalenquiry",
            name="due_at",
            field=models.DateTimeField(null=True, help_text=DUE_HELP, verbose_name="first response due"),
        ),
        migrations.AddField(model_name="enquiry", name="first_response_at", field=stamp()),
        migrations.AddField(model_name="enquiry", name="reminder_sent_at", field=stamp()),
        migrations.AddField(model_name="enquiry", name="escalated_at", field=stamp()),
        migrations.AddField(model_name="historicalenquiry", name="first_response_at", field=stamp()),
        migrations.AddField(model_name="historicalenquiry", name="reminder_sent_at", field=stamp()),
        migrations.AddField(model_name="historicalenquiry", name="escalated_at", field=stamp()),
        migrations.AlterField(
            model_name="enquiry",
            name="created_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False),
        ),
        migrations.AlterField(
            model_name="historicalenquiry",
            name="created_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False),
        ),
        migrations.AlterField(model_name="enquiry", name="status", field=status_field()),
        migrations.AlterField(model_name="historicalenquiry", name="status", field=status_field()),
        migrations.AlterField(model_name="enquirynote", name="note", field=note_field()),
        migrations.AlterField(model_name="historicalenquirynote", name="note", field=note_field()),
        migrations.AlterField(model_name="enquirynote", name="status", field=note_status_field()),
        migrations.AlterField(
            model_name="historicalenquirynote", name="status", field=note_status_field()
        ),
        migrations.CreateModel(
            name="EnquiryAsset",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("asset", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="enquiry_links", to="assets.asset")),
                ("enquiry", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="asset_links", to="assets.enquiry")),
            ],
            options={"ordering": ["pk"]},
        ),
        migrations.AddConstraint(
            model_name="enquiryasset",
            constraint=models.UniqueConstraint(fields=("enquiry", "asset"), name="enquiry_asset_unique"),
        ),
        migrations.CreateModel(
            name="EnquiryMessage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("from_operator", models.BooleanField()),
                ("body", models.TextField(max_length=5000, validators=[assets.models.validate_no_nul], verbose_name="message")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ("author", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("enquiry", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="messages", to="assets.enquiry")),
            ],
            options={"ordering": ["created_at", "pk"]},
        ),
    ]
