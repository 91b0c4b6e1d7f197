from django.conf import settings

# The last-place race needs transactions running side by side, which SQLite cannot do (one
# writer at a time). That module is collected where the database is PostgreSQL, as in the
# second leg of CI; on SQLite it is not collected at all rather than reported as skipped.
collect_ignore = (
    []
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    else ["test_concurrency.py"]
)
