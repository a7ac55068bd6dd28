"""Every refusal a service raises has an HTTP status, decided in web/ only."""

from __future__ import annotations

from web.api.errors import DOMAIN_STATUS, domain_status
from workflows import errors


def test_every_domain_error_has_a_status() -> None:
    assert set(errors.DomainError.__subclasses__()) == set(DOMAIN_STATUS)
    assert domain_status(errors.Conflict("a paid claim cannot be marked paid", code="claim_state")) == 409
    assert domain_status(errors.DomainError("unmapped")) == 500
