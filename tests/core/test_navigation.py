"""The header's "Log in", "Sign up" and "Log out" lead back to the page the reader was on,
also from a page answering a form sent back with errors."""

from urllib.parse import quote

import pytest

from tests.conftest import form_data

LOGIN = "/accounts/login/"


def login_link(response) -> str:
    page = response.content.decode()
    start = page.index(f'href="{LOGIN}')
    return page[start + len('href="') : page.index('"', start + len('href="'))]


@pytest.mark.django_db
def test_logging_in_from_a_refused_comment_leads_back_to_the_article(submit, article):
    """A guest's comment sent back with errors: "Log in" brings them back to the page of the
    article the form was on, not to the home page (the address posted to answers no GET)."""
    page = f"{article.get_absolute_url()}?cpage=2"
    response = submit(form_data(article, name=""), HTTP_REFERER=f"http://testserver{page}#respond")
    assert response.status_code == 400
    back = quote(page, safe="/")
    assert login_link(response) == f"{LOGIN}?next={back}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "referer",
    ["", "http://testserver/comments/post/", "http://testserver//elsewhere.example/page"],
    ids=["none", "the-post-address-again", "another-site"],
)
def test_no_way_back_is_offered_where_there_is_none_to_trust(submit, article, referer):
    """Without a Referer, from the post address itself (the refusal page's form sent again)
    or to another site, "Log in" leads nowhere in particular, as before."""
    extra = {"HTTP_REFERER": referer} if referer else {}
    response = submit(form_data(article, name=""), **extra)
    assert login_link(response) == LOGIN
