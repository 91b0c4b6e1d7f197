import os
import subprocess
import sys

import pytest
from django.conf import settings

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "www.diz.org.uk",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://www.diz.org.uk",
    "DATABASE_URL": "sqlite:///:memory:",
}


def run_manage(*args, env_extra=None, drop=()):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k not in drop}
    env.pop("DATABASE_URL", None)
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", env_extra=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DJANGO_SECURE_SSL_REDIRECT", "ture"),
        ("DJANGO_DEBUG", "maybe"),
        ("DJANGO_PAGE_CACHE_SECONDS", "five"),
        ("DJANGO_HSTS_SECONDS", "-1"),
    ],
)
def test_an_unreadable_setting_stops_the_site_and_names_the_variable(name, value):
    result = run_manage("check", env_extra={**PRODUCTION_ENV, name: value})
    assert result.returncode != 0
    assert name in result.stderr
    assert repr(value) in result.stderr


def test_boolean_settings_read_the_usual_words():
    result = run_manage(
        "check", env_extra={**PRODUCTION_ENV, "DJANGO_SECURE_SSL_REDIRECT": " Off "}
    )
    assert result.returncode == 0, result.stderr


def test_debug_mode_starts_without_secret_key():
    result = run_manage("check", env_extra={"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_locale_and_time_zone():
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.LANGUAGE_CODE == "en-gb"
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


@pytest.mark.django_db
def test_programme_manager_group_holds_portal_permissions(manager):
    from diz_portal.roles import PROGRAMME_MANAGER_GROUP

    group = manager.groups.get(name=PROGRAMME_MANAGER_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_sitecontent", "add_page", "delete_page", "view_page"} <= codenames
    assert {"add_partner", "change_partner", "view_historicalpartner"} <= codenames
    assert not manager.is_superuser
