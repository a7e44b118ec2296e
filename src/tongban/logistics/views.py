"""The courier callback endpoint ``POST /channels/couriers/<courier>/events`` (LOG-1).

Only checks the request shape and calls the tracking service; the signature,
the waybill and the event id are checked there. Refusals answer with the
error's code (a courier retries on anything but 2xx).
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tongban.core.errors import TongbanError
from tongban.logistics.services.tracking import receive_push

MAX_BODY_BYTES = 16 * 1024
ERROR_STATUS = {"LOGISTICS_BAD_SIGNATURE": 401, "LOGISTICS_UNKNOWN_COURIER": 404, "LOGISTICS_UNKNOWN_WAYBILL": 404}


@csrf_exempt  # a server-to-server call authenticated by its HMAC signature, not a browser form
@require_POST
def courier_events(request: HttpRequest, courier: str) -> JsonResponse:
    """Receive one signed tracking event."""
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        return JsonResponse({"code": "LOGISTICS_MALFORMED_EVENT", "message": "too large"}, status=413)
    try:
        event = receive_push(courier, body, request.headers.get("X-Courier-Timestamp", ""),
                             request.headers.get("X-Courier-Signature", ""))
    except TongbanError as error:
        return JsonResponse(error.as_dict(), status=ERROR_STATUS.get(error.code, 400))
    return JsonResponse({"ok": True, "outcome": event.outcome if event is not None else "duplicate"})
