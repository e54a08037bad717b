from datetime import UTC, datetime

import httpx
import pytest

from forum.references.http import (
    LookupFailed,
    NotFound,
    ReferencesClient,
    parse_rate_limit,
    parse_retry_after,
    user_agent,
)

from .conftest import CROSSREF

URL = f"{CROSSREF}/works/10.1002/art.37734"
PATH = "/works/10.1002/art.37734"


def ok(body='{"message": {}}', **headers):
    return httpx.Response(200, text=body, headers=headers)


def test_user_agent_names_the_product_and_a_mailto_contact(client, server):
    server.add(PATH, ok())
    client.get_json(URL)
    assert server.requests[0].headers["user-agent"] == "Evident/0.1 (mailto:team@evident.test)"


def test_user_agent_without_contact_setting_has_no_empty_mailto(settings):
    settings.REFERENCES_CONTACT_EMAIL = ""
    assert user_agent() == "Evident/0.1"


def test_429_is_retried_after_the_retry_after_delay_without_really_sleeping(client, server, sleeps):
    server.add(PATH, httpx.Response(429, headers={"Retry-After": "2"}), ok())
    assert client.get_json(URL) == {"message": {}}
    assert len(server.requests) == 2
    assert sleeps == [2.0]


def test_429_without_retry_after_waits_one_rate_limit_interval(client, server, sleeps):
    limited = httpx.Response(
        429, headers={"x-rate-limit-limit": "5", "x-rate-limit-interval": "1s"}
    )
    server.add(PATH, limited, ok())
    client.get_json(URL)
    # The first wait is the rate-limit spacing before the retry; pacing after the 429 adds one.
    assert sleeps and all(wait == pytest.approx(0.2) for wait in sleeps)


def test_5xx_backs_off_exponentially_then_fails(client, server, sleeps, settings):
    settings.REFERENCES_MAX_RETRIES = 3
    server.add(PATH, httpx.Response(503))
    with pytest.raises(LookupFailed, match="HTTP 503"):
        client.get_json(URL)
    assert len(server.requests) == 4
    assert sleeps == [1.0, 2.0, 4.0]


def test_5xx_then_success_recovers(client, server):
    server.add(PATH, httpx.Response(502), ok())
    assert client.get_json(URL) == {"message": {}}


def test_timeouts_are_retried_and_then_reported_as_lookup_failed(client, server, sleeps):
    server.add(PATH, httpx.ReadTimeout("slow"))
    with pytest.raises(LookupFailed, match="timed out"):
        client.get_json(URL)
    assert len(server.requests) == client.max_retries + 1


def test_connection_errors_become_lookup_failed(client, server):
    server.add(PATH, httpx.ConnectError("refused"))
    with pytest.raises(LookupFailed, match="could not connect"):
        client.get_json(URL)


def test_404_is_not_found_and_not_retried(client, server, sleeps):
    with pytest.raises(NotFound):
        client.get_json(URL)
    assert len(server.requests) == 1
    assert sleeps == []


def test_other_4xx_fail_without_retry(client, server):
    server.add(PATH, httpx.Response(400, text="bad request"))
    with pytest.raises(LookupFailed, match="HTTP 400"):
        client.get_json(URL)
    assert len(server.requests) == 1


def test_malformed_json_is_lookup_failed_and_not_cached(client, server):
    server.add(PATH, ok("<html>oops"), ok())
    with pytest.raises(LookupFailed, match="malformed JSON"):
        client.get_json(URL)
    assert client.get_json(URL) == {"message": {}}
    assert len(server.requests) == 2


def test_a_cached_response_avoids_a_second_request(client, server):
    server.add(PATH, ok())
    client.get_json(URL)
    client.get_json(URL)
    assert len(server.requests) == 1


def test_use_cache_false_goes_to_the_source_again(client, server):
    server.add(PATH, ok())
    client.get_json(URL)
    client.get_json(URL, use_cache=False)
    assert len(server.requests) == 2


def test_cache_is_shared_between_client_instances(server):
    server.add(PATH, ok())
    for _ in range(2):
        with ReferencesClient(
            transport=httpx.MockTransport(server.handler), sleep=lambda s: None
        ) as c:
            c.get_json(URL)
    assert len(server.requests) == 1


def test_a_long_retry_after_fails_fast_with_the_delay_for_rescheduling(client, server, sleeps):
    server.add(PATH, httpx.Response(429, headers={"Retry-After": "3600"}))
    with pytest.raises(LookupFailed) as failure:
        client.get_json(URL)
    assert failure.value.retry_after == 3600
    assert sleeps == []


def test_rate_limit_headers_pace_the_next_request(server):
    now = [100.0]
    sleeps = []
    server.add(PATH, ok(**{"x-rate-limit-limit": "50", "x-rate-limit-interval": "1s"}))
    with ReferencesClient(
        transport=httpx.MockTransport(server.handler), sleep=sleeps.append, clock=lambda: now[0]
    ) as c:
        c.get_json(URL)
        c.get_json(URL, use_cache=False)
    assert sleeps == [pytest.approx(0.02)]


def test_base_url_comes_from_settings(settings):
    settings.CROSSREF_API_URL = "https://mirror.example/crossref/"
    assert ReferencesClient().crossref_url == "https://mirror.example/crossref"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("5", 5.0),
        ("0.5", 0.5),
        ("Wed, 01 Jan 2025 00:00:30 GMT", 30.0),
        ("soon", None),
        (None, None),
    ],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, now=datetime(2025, 1, 1, tzinfo=UTC)) == expected


def test_parse_rate_limit():
    assert (
        parse_rate_limit(httpx.Headers({"x-rate-limit-limit": "50", "x-rate-limit-interval": "1s"}))
        == 0.02
    )
    assert (
        parse_rate_limit(httpx.Headers({"x-rate-limit-limit": "0", "x-rate-limit-interval": "1s"}))
        is None
    )
    assert parse_rate_limit(httpx.Headers({})) is None
