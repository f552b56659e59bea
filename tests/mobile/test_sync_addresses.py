"""The server address a shopper types becomes one base URL: https:// unless local or typed, bad input named."""

from __future__ import annotations

import pytest

from mobile.sync.addresses import AddressError, is_local_host, normalise_server_url


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("audit.company.com", "https://audit.company.com"),
        ("  audit.company.com//  ", "https://audit.company.com"),
        ("Audit.Company.COM:8443", "https://audit.company.com:8443"),
        ("https://audit.company.com/fieldaudit/", "https://audit.company.com/fieldaudit"),
        ("HTTPS://audit.company.com", "https://audit.company.com"),
        ("http://audit.company.com", "http://audit.company.com"),  # typed explicitly: the shopper's choice
        ("https://192.168.1.5:5000", "https://192.168.1.5:5000"),  # typed explicitly: kept even when local
        ("localhost:5000", "http://localhost:5000"),
        ("127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("10.0.2.2:5000", "http://10.0.2.2:5000"),
        ("192.168.1.5", "http://192.168.1.5"),
        ("172.16.0.9:8000", "http://172.16.0.9:8000"),
        ("172.31.255.1", "http://172.31.255.1"),
        ("169.254.10.1", "http://169.254.10.1"),
        ("fieldaudit.local:5000", "http://fieldaudit.local:5000"),
        ("laptop:5000", "http://laptop:5000"),
        ("[::1]:5000", "http://[::1]:5000"),
        ("172.32.0.1", "https://172.32.0.1"),  # outside 172.16/12: a public address
        ("8.8.8.8", "https://8.8.8.8"),
        ("audit.local.example.com", "https://audit.local.example.com"),
        ("bücher.example", "https://bücher.example"),
    ],
)
def test_a_typed_address_becomes_the_base_url(typed, url):
    assert normalise_server_url(typed) == url


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (None, "empty"),
        ("audit company.com", "spaces"),
        ("ftp://audit.company.com", "scheme"),
        ("fieldaudit://enrol?server=x", "scheme"),
        ("https:/audit.company.com", "scheme"),
        ("mailto:me@example.com", "scheme"),
        ("https://me:secret@audit.company.com", "credentials"),
        ("audit.company.com?x=1", "query"),
        ("audit.company.com/#top", "query"),
        ("https://", "host"),
        ("-audit-.company.com", "host"),
        ("audit..company.com", "host"),
        ("audit_company.com", "host"),
        ("300.1.1.1", "host"),
        ("[not:an:ip]", "host"),
        ("audit.company.com:99999", "port"),
        ("audit.company.com:port", "port"),
        ("audit.company.com:0", "port"),
        ("audit.company.com:", "port"),
    ],
)
def test_a_malformed_address_is_refused_with_a_message_naming_the_field(typed, problem):
    with pytest.raises(AddressError) as refused:
        normalise_server_url(typed)
    assert refused.value.problem == problem
    assert refused.value.field == "Server address" and "server address" in refused.value.message.lower()


def test_local_means_loopback_private_link_local_mdns_and_one_word_names():
    local = ["localhost", "127.8.8.8", "10.1.2.3", "172.16.0.1", "192.168.0.1", "169.254.0.1", "::1", "fd00::1"]
    local += ["box.local", "laptop", "app.localhost"]
    public = ["8.8.8.8", "172.15.0.1", "192.169.0.1", "audit.example.com", "2001:db8::1", "localhost.example.com"]
    assert all(is_local_host(h) for h in local)
    assert not any(is_local_host(h) for h in public)
