import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from proof_world import build_world, create_double_tables


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The review engine's test plugin tables, in the test database only."""
    with django_db_blocker.unblock():
        create_double_tables()


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return build_world()


@pytest.fixture
def as_role(world):
    """Run one request as a party, inside a savepoint rolled back afterwards, so that a POST
    of one cell (a deletion, a withdrawal) never changes the world of the next. ``after`` reads
    the database before the rollback: what the request changed."""

    def request(role, method, url, data=None, after=None, **extra):
        cache.clear()
        sid = transaction.savepoint()
        try:
            client = Client()
            if role != "anonymous":
                client.force_login(world.users[role])
            call = client.post if method == "POST" else client.get
            response = call(url, data or {}, **extra)
            body = b"".join(response) if response.streaming else response.content
            effect = after() if after else None
            return response, body, effect
        finally:
            transaction.savepoint_rollback(sid)

    return request
