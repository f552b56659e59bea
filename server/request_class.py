"""The app's Request: a JSON body that cannot be read is a 400 saying why; form line breaks arrive as LF."""

from __future__ import annotations

from flask import Request
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Request as WerkzeugRequest

from server.json_input import JsonInputError
from shared.text import normalise_newlines


class FieldauditRequest(Request):
    """Flask's Request with the two input rules that hold for every route."""

    def on_json_loading_failed(self, e: ValueError | None):
        """400 naming the problem (too many digits, too deep, not JSON); a wrong content type stays a 415."""
        if e is None:
            return WerkzeugRequest.on_json_loading_failed(self, e)
        reason = e.reason if isinstance(e, JsonInputError) else "is not valid JSON"
        raise BadRequest(f"The JSON document {reason}.")

    def _load_form_data(self) -> None:
        """Parse the form as usual, then store every value with CRLF and lone CR as LF (browsers send CRLF)."""
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form and any("\r" in value for _, value in form.items(multi=True)):
            self.__dict__["form"] = self.parameter_storage_class(
                [(key, normalise_newlines(value)) for key, value in form.items(multi=True)]
            )
