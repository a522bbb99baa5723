"""The form's Name and Website inputs carry no maxlength: a browser cut a pasted name short,
or a long web address into a broken one, without a word. Too long is now refused by the
server, saying how long it is, with everything the reader typed kept."""

import re

import pytest

from tests.conftest import form_data

pytestmark = pytest.mark.django_db


def test_the_name_and_website_inputs_have_no_maxlength(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    for name in ("name", "url"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
        assert "maxlength" not in tag, tag


def test_too_long_is_refused_in_view_with_the_text_kept(article, submit):
    long_name = "N" * 60
    long_url = "https://example.org/" + "a" * 230
    response = submit(form_data(article, comment="Words to keep", name=long_name, url=long_url))
    html = response.content.decode()
    assert response.status_code == 400
    assert "at most 50 characters (it has 60)" in html
    assert "at most 200 characters (it has 250)" in html
    assert f'value="{long_name}"' in html and long_url in html and "Words to keep" in html
