"""Bad input refused in one place, before any view runs, so no view or query meets it.

- An id in a path beyond a signed 64-bit integer, or a path segment holding a NUL character, matches
  no route: 404, like any other id that cannot exist (PostgreSQL would refuse either in a query).
- A NUL character in a query parameter or a form field: 422, like any other invalid value (PostgreSQL's
  text columns cannot hold one); a page shows it as a 400.

JSON bodies are checked by the API's reader (``web.api.json_object``).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError

from web.errors import StatusError

BIGINT_MAX = 2**63 - 1  # the largest id a BIGINT column holds


class IdConverter(IntegerConverter):
    """``<int:...>``: a non-negative id that fits a BIGINT; anything larger matches no route."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", BIGINT_MAX)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> Any:
        if len(value) > len(str(BIGINT_MAX)):  # before int(): Python refuses over 4,300 digits with a ValueError
            raise ValidationError()
        return super().to_python(value)


class TextConverter(UnicodeConverter):
    """``<name>``: one path segment without a NUL character."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]")


def refuse_nul_characters() -> None:
    """A ``before_request`` hook (a URL no route matched answers 404 first)."""
    if request.routing_exception is not None:
        return
    for where, values in (("query", request.args), ("form", request.form)):
        if where == "form" and request.mimetype not in FORMS:
            continue
        for name, value in values.items(multi=True):
            if "\x00" in f"{name}{value}":  # a value may be None (a part werkzeug could not read)
                raise StatusError(422, "validation_failed", f"the {where} holds a NUL character",
                                  {str(name).replace("\x00", "\\x00"): ["Text cannot hold a NUL character."]})


FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def register_bad_input(app: Flask) -> None:
    """Before any blueprint is registered: its rules are compiled with these converters."""
    app.url_map.converters.update(int=IdConverter, default=TextConverter, string=TextConverter)
    app.before_request(refuse_nul_characters)
