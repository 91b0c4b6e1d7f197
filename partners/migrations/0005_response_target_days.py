# Issue 13: each partner's target for a first response to an operator's enquiry.

import django.core.validators
from django.db import migrations, models

HELP = (
    "How many working days you aim to take to answer an operator's enquiry for the first "
    "time: 1 to 60. Shown on your public page."
)


def target_field():
    return models.PositiveSmallIntegerField(
        default=10,
        help_text=HELP,
        validators=[
            django.core.validators.MinValueValidator(1),
            django.core.validators.MaxValueValidator(60),
        ],
        verbose_name="response target (working days)",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0004_single_line_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpartner", name="response_target_days", field=target_field()
        ),
        migrations.AddField(model_name="partner", name="response_target_days", field=target_field()),
        migrations.AddConstraint(
            model_name="partner",
            constraint=models.CheckConstraint(
                condition=models.Q(("response_target_days__gte", 1), ("response_target_days__lte", 60)),
                name="partner_response_target_range",
            ),
        ),
    ]
