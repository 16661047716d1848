"""A request body larger than its page accepts is refused before a byte of it is read."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from vigie.core.middleware import UPLOAD_VIEWS, max_request_bytes

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")

    readline = read


def post_announcing(client, url: str, length: int):
    return client.post(
        url,
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": UnreadableBody()},
    )


def test_a_300_mb_upload_is_refused_before_it_is_read(owner_client, org) -> None:
    response = post_announcing(owner_client, reverse("campaigns:new", args=[org.pk, 1]), 300 * MB)
    assert response.status_code == 413
    assert "trop volumineuse" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_a_page_without_a_file_field_takes_no_large_body(owner_client, org) -> None:
    response = post_announcing(owner_client, reverse("breaches:new", args=[org.pk]), 20 * MB)
    assert response.status_code == 413
    response = post_announcing(owner_client, "/nowhere/", 20 * MB)
    assert response.status_code == 413


def test_upload_pages_take_one_list_per_file_field(settings) -> None:
    settings.VIGIE_MAX_UPLOAD_BYTES = 200 * MB
    assert max_request_bytes("campaigns:new") == 201 * MB
    assert max_request_bytes("leaks:new") == 401 * MB
    assert max_request_bytes("breaches:new") == 11 * MB
    assert max_request_bytes(None) == 11 * MB


def test_every_upload_view_named_exists() -> None:
    names = set()
    for name in get_resolver().reverse_dict:
        if isinstance(name, str):
            names.add(name)
    for namespace, (_prefix, resolver) in get_resolver().namespace_dict.items():
        names |= {f"{namespace}:{n}" for n in resolver.reverse_dict if isinstance(n, str)}
    assert set(UPLOAD_VIEWS) <= names, set(UPLOAD_VIEWS) - names


def test_a_nul_character_in_the_query_string_is_refused_before_any_view(owner_client, org) -> None:
    # PostgreSQL refuses NUL in any text it compares: the register's filters were an HTTP 500 there.
    register = reverse("breaches:register", args=[org.pk])
    response = owner_client.get(register, {"activite": "\x00"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert owner_client.get(register, {"activite": "x"}).status_code == 200
