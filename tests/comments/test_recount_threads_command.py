"""recount_threads's arguments: a mistake is a clear error."""

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_recount_threads_refuses_an_id_no_database_holds():
    """--article beyond 64 bits is a CommandError."""
    with pytest.raises(CommandError, match="--article"):
        call_command("recount_threads", article=99999999999999999999999)
