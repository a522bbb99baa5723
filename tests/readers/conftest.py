import pytest
from allauth.account.models import EmailAddress


@pytest.fixture
def verified_user(make_user):
    """A signed-in reader whose email allauth has verified."""

    def make(username, email):
        user = make_user(username, email=email)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    return make


@pytest.fixture
def run_commits(django_capture_on_commit_callbacks):
    """Run a block as committed work: on_commit callbacks (and the tasks they queue) run."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def world(make_user, make_article):
    """One reader with a row in every model that holds personal data, and somebody else
    (tests/readers/personal_data_world.py): the export and erasure tests' setup."""
    from .personal_data_world import world_build

    return world_build(make_user, make_article)
