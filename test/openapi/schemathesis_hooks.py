"""Schemathesis hooks for the gateway fuzz run (test/openapi/schemathesis.sh).

Every generated case gets a fresh Idempotency-Key, so a case never replays another's stored
response nor reuses a key with a different request (which would answer 422
IDEMPOTENCY_KEY_REUSED: documented, but it would hide what the case itself does).
"""
import uuid

import schemathesis


@schemathesis.hook
def before_call(context, case, kwargs):
    headers = dict(case.headers or {})
    for name in list(headers):
        if name.lower() == "idempotency-key":
            del headers[name]
    headers["Idempotency-Key"] = f"fuzz-{uuid.uuid4()}"
    case.headers = headers
