"""Every refusal a service raises has an HTTP status, decided in web/ only (web/errors.py)."""

from __future__ import annotations

from web.errors import STATUS_FOR, status_for
from workflows import errors


def test_every_domain_error_has_a_status() -> None:
    mapped = {cls for cls, _ in STATUS_FOR if issubclass(cls, errors.DomainError)}
    assert set(errors.DomainError.__subclasses__()) == mapped
    assert status_for(errors.Conflict("a paid claim cannot be marked paid", code="claim_state")) == 409
    assert status_for(errors.NotAllowed("only an admin", code="forbidden")) == 403
    assert status_for(errors.DomainError("unmapped")) is None  # a bug: answered 500 and logged
