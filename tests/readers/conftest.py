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
