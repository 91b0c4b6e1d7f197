import pytest
from django.urls import reverse

from tests.portal.isolated import run_django

pytestmark = pytest.mark.django_db


def test_health_ok_after_database_round_trip(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_is_503_when_the_database_is_down():
    """A real unreachable database: a fresh process pointed at a closed port."""
    result = run_django(
        "from django.test import Client\n"
        "r = Client(HTTP_HOST='127.0.0.1').get('/health/')\n"
        "print(json.dumps({'code': r.status_code, 'body': r.json()}))",
        DATABASE_URL="postgres://postgres@127.0.0.1:9/diz_down?connect_timeout=2",
        DJANGO_SECRET_KEY="test-only",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    assert result == {"code": 503, "body": {"status": "error"}}


@pytest.mark.parametrize(
    "contents",
    [None, b"this is not a database, just bytes " * 200],
    ids=["missing file", "corrupt file"],
)
def test_health_is_503_when_the_sqlite_file_is_missing_or_corrupt(tmp_path, contents):
    """SQLite answers `SELECT 1` from any file, even one it has just created empty; the check
    must read a real table."""
    path = tmp_path / "db.sqlite3"
    if contents is not None:
        path.write_bytes(contents)
    result = run_django(
        "from django.test import Client\n"
        "r = Client(HTTP_HOST='127.0.0.1').get('/health/')\n"
        "print(json.dumps({'code': r.status_code, 'body': r.json()}))",
        DATABASE_URL=f"sqlite:///{path}",
        DJANGO_SECRET_KEY="test-only",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    assert result == {"code": 503, "body": {"status": "error"}}
