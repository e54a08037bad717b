"""Everything under /api/ answers in JSON, errors included; only GET is allowed."""

import pytest

from tests.factories import make_topic

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", [
    "/api/topics/abc/", "/api/studies/x1/", "/api/topics/1/posts/", "/api/nothing-here", "/api/topics/-1/",
    "/api/studies/a%0Ab/",  # found by schemathesis: a newline in the path once fell through to an HTML 404
])
def test_unknown_and_non_numeric_paths_are_json_404s(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["status"] == 404 and error["code"] == "not_found" and error["message"]


def test_a_missing_trailing_slash_redirects_like_the_rest_of_the_site(client):
    topic = make_topic()

    response = client.get(f"/api/topics/{topic.pk}?page=1")

    assert response.status_code == 301
    assert response["Location"] == f"/api/topics/{topic.pk}/?page=1"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, method):
    response = getattr(client, method)("/api/topics/")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_anonymous_responses_may_be_cached_and_signed_in_ones_stay_private(client, member):
    make_topic()

    assert client.get("/api/topics/")["Cache-Control"] == "public, max-age=60"
    client.force_login(member)
    response = client.get("/api/topics/")
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-cache"}
    assert "Cookie" in response["Vary"]


def test_errors_are_not_cached(client):
    assert client.get("/api/topics/0/")["Cache-Control"] == "no-cache"


def test_the_index_points_at_every_entry_point(client):
    body = client.get("/api/").json()

    assert body["topics"] == "http://testserver/api/topics/"
    assert body["openapi"] == "http://testserver/api/openapi.yaml"
    assert body["feeds"]["latest_atom"] == "http://testserver/latest.atom"
