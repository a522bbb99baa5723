"""The refused comment form says the reader's text is kept only when there was text."""

import pytest

from tests.conftest import form_data

pytestmark = pytest.mark.django_db
KEPT = "Your text is kept below."


def test_the_kept_line_is_said_only_of_text_that_was_typed(article, submit):
    empty = submit(form_data(article, comment="", name="Ida"))
    assert empty.status_code == 400
    html = empty.content.decode()
    assert "Your comment was not posted." in html and KEPT not in html
    nameless = submit(form_data(article, comment="Words worth keeping", name=""))
    assert nameless.status_code == 400 and KEPT in nameless.content.decode()
