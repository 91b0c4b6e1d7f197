from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assets import importer
from partners.models import Partner


class Command(BaseCommand):
    help = (
        "Import assets from a CSV file with the register's columns (see /assets/data/). "
        "All or nothing: rows are matched by reference (new ones added, known ones updated); "
        "if any row is wrong nothing is written and every problem is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a UTF-8 CSV file.")
        parser.add_argument(
            "--owner",
            metavar="SLUG",
            help="Import for this partner only: every row must belong to it (the owner column "
            "may then be empty).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )

    def handle(self, *args, file, owner=None, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        if path.stat().st_size > settings.ASSET_IMPORT_MAX_BYTES:
            raise CommandError(
                f"{file} is {path.stat().st_size:,} bytes; the limit is "
                f"{settings.ASSET_IMPORT_MAX_BYTES:,} bytes (ASSET_IMPORT_MAX_BYTES)."
            )
        partner = None
        if owner:
            partner = Partner.objects.filter(slug=owner).first()
            if partner is None:
                raise CommandError(f"No partner has the slug {owner!r}.")
        result = importer.import_file(
            path.read_bytes(), owner=partner, dry_run=dry_run, filename=path.name
        )
        if not result.ok:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(result.summary)
        for row in result.rows:
            if row.action == "update":
                self.stdout.write(f"row {row.row}: update {row.reference} ({row.changed})")
            elif row.action == "create":
                self.stdout.write(f"row {row.row}: create {row.reference}")
        prefix = "Dry run, nothing written. " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + result.summary))
