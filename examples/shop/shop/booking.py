"""Booking service."""

import os


class Booking:
    def __init__(self, **kwargs):
        for key, value in kwargs.items():
            setattr(self, key, value)


def create_booking(**kwargs) -> Booking:
    booking = Booking(**kwargs)
    print("created booking", booking.__dict__)
    return booking


def notify(booking: Booking) -> None:
    webhook = os.environ.get("NOTIFY_WEBHOOK")
    try:
        send(webhook, booking)
    except:
        print("notification failed")


def send(url, booking):
    raise NotImplementedError
