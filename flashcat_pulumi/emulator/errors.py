"""The refusals an endpoint rule raises, which the server answers with Flashduty's error envelope.

Flashduty answers a missing entity with 400 ``ResourceNotFound``, never 404 (docs/flashduty-api.md
§4), and a delete of a referenced object with 400 ``ReferenceExist`` plus ``data.refs`` (§3).
"""

from __future__ import annotations

__all__ = ["NOT_FOUND", "REFERENCED", "ApiError", "invalid", "not_found", "referenced"]

NOT_FOUND = "The resource you request is not found"
REFERENCED = "The resource is still referenced by other resources and cannot be deleted."


class ApiError(Exception):
    """A refused request: the HTTP status, the Flashduty error code, the message, and for
    ``ReferenceExist`` the referencing objects (``[{kind, name, href}]``)."""

    def __init__(self, status: int, code: str, message: str,
                 refs: list[dict[str, str]] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.refs = refs


def invalid(message: str) -> ApiError:
    """A 400 ``InvalidParameter`` whose message names the field (``layers[0].mode: ...``)."""
    return ApiError(400, "InvalidParameter", message)


def not_found() -> ApiError:
    """A 400 ``ResourceNotFound``."""
    return ApiError(400, "ResourceNotFound", NOT_FOUND)


def referenced(refs: list[dict[str, str]]) -> ApiError:
    """A 400 ``ReferenceExist`` naming what still refers to the object."""
    return ApiError(400, "ReferenceExist", REFERENCED, refs)
