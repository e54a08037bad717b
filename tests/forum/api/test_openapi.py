"""docs/openapi.yaml describes the API that exists: every path resolves, and it is served."""

import pytest
import yaml
from django.conf import settings
from django.urls import Resolver404, resolve

OPENAPI = settings.BASE_DIR / "docs" / "openapi.yaml"
SAMPLE_PATH_VALUES = {"{topic_id}": "1", "{study_id}": "1"}


def described():
    return yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))


def test_the_description_is_openapi_3_1_with_every_endpoint():
    spec = described()

    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {
        "/api/", "/api/topics/", "/api/topics/{topic_id}/", "/api/studies/{study_id}/", "/api/search/",
        "/api/openapi.yaml",
    }


@pytest.mark.parametrize("path", sorted(described()["paths"]))
def test_every_described_path_resolves_to_a_real_endpoint(path):
    concrete = path
    for placeholder, value in SAMPLE_PATH_VALUES.items():
        concrete = concrete.replace(placeholder, value)
    assert "{" not in concrete, f"no sample value for a parameter in {path}"
    try:
        match = resolve(concrete)
    except Resolver404:
        pytest.fail(f"{path} does not resolve")
    assert match.namespace == "api" and match.url_name != "unknown", f"{path} only reaches the catch-all"


def test_every_schema_reference_points_at_a_defined_component():
    spec = described()
    text = OPENAPI.read_text(encoding="utf-8")
    import re

    for kind, name in re.findall(r"#/components/(\w+)/(\w+)", text):
        assert name in spec["components"][kind], f"{kind}/{name} is referenced but not defined"


@pytest.mark.django_db
def test_the_description_is_served(client):
    response = client.get("/api/openapi.yaml")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert yaml.safe_load(response.content) == described()


def required_keys(name: str) -> set[str]:
    return set(described()["components"]["schemas"][name]["required"])


@pytest.mark.django_db
def test_responses_have_exactly_the_described_keys(client):
    from forum.references.metadata import StudyMetadata
    from forum.evidence.referencing import studies_import
    from tests.factories import make_reply, make_topic

    [study] = studies_import(records=[StudyMetadata(title="Magnesium trial", doi="10.5555/evident-spec",
                                                    source="manual")])
    topic = make_topic(title="Magnesium and cramps", raw="Any magnesium trials? [@doi:10.5555/evident-spec]")
    make_reply(topic=topic, raw="Yes, one.")

    listing = client.get("/api/topics/").json()
    detail = client.get(f"/api/topics/{topic.pk}/").json()
    study_body = client.get(f"/api/studies/{study.pk}/").json()
    found = client.get("/api/search/?q=magnesium").json()
    error = client.get("/api/topics/0/").json()

    assert required_keys("Page") <= set(listing)
    assert set(listing["results"][0]) == required_keys("Topic")
    assert set(detail["topic"]) == required_keys("Topic")
    assert {key for post in detail["results"] for key in post} == required_keys("Post")
    assert set(detail["results"][0]["author"]) == required_keys("User")
    assert set(study_body) == required_keys("Study")
    assert set(found["results"][0]) == required_keys("SearchResult")
    assert set(found["studies"][0]) == required_keys("StudySummary")
    assert set(error) == required_keys("Error")
