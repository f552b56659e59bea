"""The pieces `fieldaudit run` serves with: which addresses are local, the URL shown, shared limits, the warning
for public addresses, the gunicorn settings, the hidden server banner."""

from __future__ import annotations

import pytest

from server.serving import (
    SERVER_HEADER,
    WSGI_APP,
    ServeOptions,
    exposure_warning,
    gunicorn_settings,
    hide_server_banner,
    is_loopback,
    masked_uri,
    shared_limits_problem,
    shown_url,
)


@pytest.mark.parametrize(
    "host, local",
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.0.2.10", False),
        ("2001:db8::1", False),
        ("no-such-host.invalid", False),
    ],
)
def test_only_loopback_addresses_count_as_local(host, local):
    assert is_loopback(host) is local


def test_the_url_shown_is_one_a_browser_can_open():
    assert shown_url("0.0.0.0", 80) == "http://localhost:80/"
    assert shown_url("::1", 5000) == "http://[::1]:5000/"
    assert shown_url("127.0.0.1", 5000) == "http://127.0.0.1:5000/"


def test_a_storage_password_is_never_printed():
    assert masked_uri("redis://:s3cret@cache:6379/0") == "redis://:***@cache:6379/0"
    assert masked_uri("redis://user:s3cret@cache:6379") == "redis://user:***@cache:6379"
    assert masked_uri("redis://cache:6379") == "redis://cache:6379"


def test_limits_in_memory_are_fine_for_one_worker_only(app):
    app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    assert shared_limits_problem(app, 1) is None
    assert "FIELDAUDIT_RATELIMIT_STORAGE_URI=redis://" in shared_limits_problem(app, 2)


def test_a_reachable_redis_is_accepted_for_many_workers(app):
    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:6379/0"
    assert shared_limits_problem(app, 8) is None


@pytest.mark.parametrize(
    "environ, warned",
    [
        ({}, True),
        ({"FIELDAUDIT_PROXY_HOPS": "0"}, True),
        ({"FIELDAUDIT_SECURE_COOKIES": "0"}, True),
        ({"FIELDAUDIT_PROXY_HOPS": "1"}, False),
        ({"FIELDAUDIT_SECURE_COOKIES": "1"}, False),
    ],
)
def test_a_public_address_warns_unless_cookies_are_secure_or_a_proxy_is_set(environ, warned):
    warning = exposure_warning("0.0.0.0", environ)
    assert (warning is not None) is warned
    assert exposure_warning("127.0.0.1", environ) is None


def test_gunicorn_runs_threaded_workers_of_the_wsgi_module_with_timeouts_and_no_control_socket():
    settings = gunicorn_settings(ServeOptions(workers=3, threads=2, timeout=40), 7, lambda: None)
    assert settings["bind"] == ["fd://7"] and settings["wsgi_app"] == WSGI_APP == "server.wsgi:app"
    assert settings["preload_app"] is False  # the app is built in each worker, after the fork
    assert (settings["workers"], settings["worker_class"], settings["threads"]) == (3, "gthread", 2)
    assert (settings["timeout"], settings["graceful_timeout"]) == (40, 30)
    assert settings["control_socket_disable"] is True and settings["forwarded_allow_ips"] == ""


def test_gunicorn_is_told_to_name_fieldaudit_without_a_version_in_the_server_header():
    import gunicorn.http.wsgi

    hide_server_banner()
    response = gunicorn.http.wsgi.Response(req=None, sock=None, cfg=None)
    assert response.version == SERVER_HEADER == "Fieldaudit"
