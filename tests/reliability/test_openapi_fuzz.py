"""Schemathesis over /api/v1/openapi.json against the WSGI app, as a signed-in shopper with real data behind it.

Every documented operation gets generated (valid and invalid) requests; the checks are that the server never
answers 5xx (not_a_server_error) and that every documented response matches its documented schema
(response_schema_conformance). Bounded for CI: a few examples per operation, no deadline.
"""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

from server.services.accounts.tokens import issue_token
from tests.clients import fresh_context_wsgi
from tests.server.sync.helpers import assign, push, token_for, visit_doc

MAX_EXAMPLES = 20


@pytest.fixture
def fuzz_setup(app, session, make, client):
    """A shopper with an assignment and one pushed visit (so some ids exist), and the app's schema."""
    shopper = make.user("shopper")
    assignment = assign(session, make, shopper=shopper)
    token = token_for(session, shopper)
    pushed = push(client, token, visit_doc(assignment))
    assert pushed[0]["result"] == "created"
    spare = make.user("shopper")
    # Each generated request in a context of its own, as in production (server.request_isolation refuses a shared one).
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fresh_context_wsgi(app))
    return {"token": token, "spare": spare, "schema": schema}


def test_no_server_errors_and_documented_answers(fuzz_setup, session):
    """Every operation of the OpenAPI document, MAX_EXAMPLES generated requests each."""
    failures: dict[str, str] = {}
    calls: Counter[str] = Counter()
    operations = [result.ok() for result in fuzz_setup["schema"].get_all_operations()]
    assert len(operations) >= 20

    for operation, mode in ((op, mode) for op in operations for mode in GenerationMode):

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def fuzz(case):
            token = fuzz_setup["token"]
            if case.method == "DELETE" and case.path == "/api/v1/auth/tokens/{token_id}":
                # a fuzzed id may be our own token's: revoke with a throwaway one so we stay signed in
                token = issue_token(session, fuzz_setup["spare"], "Throwaway")[1]
                session.commit()
            calls[f"{operation.label} {mode.value}"] += 1  # noqa: B023 - fuzz runs within this iteration
            case.call_and_validate(
                headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error, response_schema_conformance]
            )

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures[f"{operation.label} ({mode.value})"] = str(error)[:3000]
    print(f"\n{sum(calls.values())} requests: {dict(calls)}")
    assert len(calls) == 2 * len(operations) and min(calls.values()) >= 2, calls
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
