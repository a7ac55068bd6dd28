"""The claim file downloads of the API; the file itself is built in web/claim_file.py."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from web.access_log import logs_access
from web.api import api
from web.api.auth import current_actor
from web.api.claims import _tf_reader, _window
from web.claim_file import claim_file_response


@api.get("/claim-windows/<int:window_id>/claim-file.csv")
@logs_access("claim_file", "window_id")
def claim_file(window_id: int) -> ResponseReturnValue:
    _tf_reader(current_actor())
    return claim_file_response(_window(window_id), "csv")


@api.get("/claim-windows/<int:window_id>/claim-file.xlsx")
@logs_access("claim_file", "window_id")
def claim_file_xlsx(window_id: int) -> ResponseReturnValue:
    _tf_reader(current_actor())
    return claim_file_response(_window(window_id), "xlsx")
