"""Payment capture for bookings."""

import json
import logging

logger = logging.getLogger(__name__)


def parse_webhook(body: bytes) -> dict:
    try:
        return json.loads(body)
    except:
        return {}


def capture(gateway, booking_id: str, amount: int) -> bool:
    try:
        gateway.capture(booking_id, amount)
    except:
        logger.exception("capture failed for %s", booking_id)
        raise
    return True


def refund(gateway, booking_id: str) -> None:
    try:
        gateway.refund(booking_id)
    except:  # audit: ignore[bare-except] -- the gateway SDK raises bare BaseException subclasses
        pass
