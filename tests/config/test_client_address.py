"""config/client_address.py: which address a request counts as, for each way it can arrive.
(Sign-in and posting limits keyed on it are tested over HTTP in tests/accounts/
test_sign_in_behind_a_proxy.py and tests/forum/test_limits.py.)"""

import pytest
from django.test import RequestFactory

from config.client_address import client_ip, limit_key


def _request(remote="127.0.0.1", forwarded=None):
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@pytest.mark.parametrize("count, forwarded, expected", [
    (0, None, "127.0.0.1"),
    (0, "203.0.113.5", "127.0.0.1"),                    # no proxy trusted: the header is anyone's
    (1, "203.0.113.5", "203.0.113.5"),                  # nginx's entry
    (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),         # what the client wrote is left of it
    (1, "6.6.6.6,203.0.113.5", "203.0.113.5"),
    (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),  # a load balancer, then nginx
    (2, "203.0.113.5", "203.0.113.5"),                  # sent straight to the inner proxy
    (1, None, "127.0.0.1"),                             # a health check straight to the web server
    (1, "", "127.0.0.1"),
    (1, "203.0.113.5:52100", "203.0.113.5"),            # a proxy that adds the port
    (1, "[2001:db8::1]:443", "2001:db8::1"),
    (1, "2001:DB8:0::1", "2001:db8::1"),                # one spelling per address
    (1, "::ffff:203.0.113.5", "203.0.113.5"),           # an IPv4 client on a dual-stack socket
    (1, "not-an-address", "127.0.0.1"),                 # a proxy misconfigured: served, keyed on it
    (1, "6.6.6.6, unknown", "127.0.0.1"),
])
def test_the_client_is_the_entry_our_nearest_proxy_wrote(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count

    assert client_ip(_request(forwarded=forwarded)) == expected


def test_ipv4_clients_of_a_dual_stack_server_keep_their_own_address(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(_request(remote="::ffff:203.0.113.5")) == "203.0.113.5"
    assert limit_key(client_ip(_request(remote="::ffff:203.0.113.5"))) != limit_key(
        client_ip(_request(remote="::ffff:198.51.100.23")))


def test_ipv6_clients_are_limited_by_their_network():
    assert limit_key("2001:db8:1:2::5") == limit_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::"
    assert limit_key("2001:db8:1:3::5") != limit_key("2001:db8:1:2::5")
    assert limit_key("203.0.113.5") == "203.0.113.5"
