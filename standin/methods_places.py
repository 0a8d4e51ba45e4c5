"""Bot API methods that send a place: sendLocation and sendVenue (the bot pins a TPS after a reminder).

Checked as the Bot API server and TDLib check them: coordinates are required and must lie on Earth,
the accuracy is clamped to 0-1500 m, live-location fields are refused out of range. A venue's title
and address are required here (the Bot API marks them so), and its message carries the venue and
its location, as Telegram's does.
"""

from __future__ import annotations

import math
from typing import Any

from standin.protocol import as_bool, bad, chat_id_param, opt_float, opt_int, reply_markup, text_param
from standin.state import State

MAX_ACCURACY = 1500.0
LIVE_FOREVER = 0x7FFFFFFF  # a live location that can be edited indefinitely
MIN_LIVE, MAX_LIVE = 60, 86400
MAX_HEADING = 360
MAX_PROXIMITY = 100_000


def coordinates(params: dict, off_earth: str) -> tuple[float, float]:
    """(latitude, longitude), both required; ``off_earth`` describes a point not on Earth (the methods differ)."""
    latitude = opt_float(params, "latitude")
    if latitude is None:
        raise bad("latitude is empty")
    longitude = opt_float(params, "longitude")
    if longitude is None:
        raise bad("longitude is empty")
    if not (math.isfinite(latitude) and math.isfinite(longitude)) or abs(latitude) > 90 or abs(longitude) > 180:
        raise bad(off_earth)
    return latitude, longitude


def required_text(params: dict, name: str) -> str:
    value = text_param(params, name)
    if value is None or not value.strip():
        raise bad(f'parameter "{name}" is required')
    return value


def optional_text(params: dict, name: str) -> str | None:
    value = text_param(params, name)
    return value or None


def accuracy(params: dict) -> float | None:
    """horizontal_accuracy as TDLib keeps it: clamped to 1500 m, and none at all when not positive."""
    value = opt_float(params, "horizontal_accuracy")
    if value is None or not math.isfinite(value) or value <= 0:
        return None
    return min(value, MAX_ACCURACY)


def live_fields(params: dict) -> dict[str, int]:
    """live_period, heading and proximity_alert_radius of a live location; heading and radius need a period."""
    period = opt_int(params, "live_period")
    heading = opt_int(params, "heading")
    radius = opt_int(params, "proximity_alert_radius")
    if period is not None and period != 0 and period != LIVE_FOREVER and not MIN_LIVE <= period <= MAX_LIVE:
        raise bad("wrong live location period specified")
    if heading is not None and not 0 <= heading <= MAX_HEADING:
        raise bad("wrong live location heading specified")
    if radius is not None and not 0 <= radius <= MAX_PROXIMITY:
        raise bad("wrong live location proximity alert radius specified")
    if not period:
        return {}
    fields = {"live_period": period, "heading": heading, "proximity_alert_radius": radius}
    return {key: value for key, value in fields.items() if value}


def venue_provider(params: dict) -> dict[str, str]:
    """The venue's place id and type: Foursquare's if given, else Google's (Telegram keeps one provider)."""
    for prefix in ("foursquare", "google_place"):
        place_id = optional_text(params, f"{prefix}_id")
        if place_id:
            fields = {f"{prefix}_id": place_id}
            place_type = optional_text(params, f"{prefix}_type")
            if place_type:
                fields[f"{prefix}_type"] = place_type
            return fields
    return {}


class PlaceMethods(State):
    """sendLocation and sendVenue: counted sends, so chat states, limits and faults apply as to sendMessage."""

    def _send_place(self, method: str, params: dict, chat_id: int, content: dict, recorded: dict) -> dict:
        """Admit, send and record a place message; ``content`` goes in the Message, ``recorded`` in the record."""
        markup = reply_markup(params)
        self._admit(chat_id)
        protected = as_bool(params.get("protect_content", False)) or None
        message = self._new_message(
            chat_id, **content, has_protected_content=protected, reply_markup=self._visible_markup(markup)
        )
        self._record(method, message, params, reply_markup=markup, **recorded)
        return message

    def _m_send_location(self, params: dict) -> dict:
        chat_id = chat_id_param(params)
        latitude, longitude = coordinates(params, "invalid location specified")
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        radius = accuracy(params)
        if radius is not None:
            location["horizontal_accuracy"] = radius
        location.update(live_fields(params))
        return self._send_place("sendLocation", params, chat_id, {"location": location}, {"location": dict(location)})

    def _m_send_venue(self, params: dict) -> dict:
        chat_id = chat_id_param(params)
        latitude, longitude = coordinates(params, "wrong venue location specified")
        title = required_text(params, "title")
        address = required_text(params, "address")
        provider = venue_provider(params)
        point = {"latitude": latitude, "longitude": longitude}
        venue = {"location": dict(point), "title": title, "address": address, **provider}
        recorded = {
            "venue": {"title": title, "address": address, **point, **provider},
            "location": dict(point),
        }
        return self._send_place("sendVenue", params, chat_id, {"venue": venue, "location": dict(point)}, recorded)
