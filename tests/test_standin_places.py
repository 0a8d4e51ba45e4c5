"""The stand-in's sendVenue and sendLocation: python-telegram-bot and httpx talk to it over real HTTP."""

import datetime as dtm

import httpx
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter

from standin import COUNTED_SENDS

# PTB 22 warns that RetryAfter.retry_after will become a timedelta.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

TPS = {"latitude": -6.2, "longitude": 106.816666, "title": "TPS 012 Menteng", "address": "Jl. Sunda Kelapa 5"}


async def test_send_venue_returns_the_venue_and_its_location_and_is_recorded(standin, bot):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Rute", callback_data="route")]])
    message = await bot.send_venue(
        42, **TPS, foursquare_id="4b5", foursquare_type="government/polling", disable_notification=True,
        reply_markup=markup, protect_content=True,
    )  # fmt: skip
    assert message.venue.title == "TPS 012 Menteng"
    assert message.venue.address == "Jl. Sunda Kelapa 5"
    assert (message.venue.location.latitude, message.venue.location.longitude) == (-6.2, 106.816666)
    assert (message.location.latitude, message.location.longitude) == (-6.2, 106.816666)
    assert message.venue.foursquare_id == "4b5"
    assert message.venue.foursquare_type == "government/polling"
    assert message.venue.google_place_id is None
    assert message.reply_markup == markup
    assert message.has_protected_content
    assert message.text is None
    (record,) = standin.sent_to(42)
    assert record["method"] == "sendVenue"
    assert record["message_id"] == message.message_id
    assert record["venue"] == {
        "title": "TPS 012 Menteng",
        "address": "Jl. Sunda Kelapa 5",
        "latitude": -6.2,
        "longitude": 106.816666,
        "foursquare_id": "4b5",
        "foursquare_type": "government/polling",
    }
    assert record["location"] == {"latitude": -6.2, "longitude": 106.816666}
    assert record["text"] is None
    assert record["disable_notification"] is True
    assert record["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "route"
    assert standin.calls["sendVenue"] == 1
    assert standin.answers == {200: 1}


async def test_send_location_returns_the_point_and_is_recorded(standin, bot):
    message = await bot.send_location(-1001234567890, -7.25, 112.75, horizontal_accuracy=2500.0)
    assert (message.location.latitude, message.location.longitude) == (-7.25, 112.75)
    assert message.location.horizontal_accuracy == 1500.0  # clamped, as TDLib does
    assert message.venue is None
    assert message.chat.type == "supergroup"
    live = await bot.send_location(
        -1001234567890, 0.0, 0.0, live_period=dtm.timedelta(minutes=15), heading=90, proximity_alert_radius=200
    )
    period = live.location.live_period  # an int or a timedelta, by PTB version
    assert (period.total_seconds() if isinstance(period, dtm.timedelta) else period) == 900
    assert (live.location.heading, live.location.proximity_alert_radius) == (90, 200)
    point, moving = standin.sent_to(-1001234567890)
    assert point["method"] == moving["method"] == "sendLocation"
    assert point["location"] == {"latitude": -7.25, "longitude": 112.75, "horizontal_accuracy": 1500.0}
    assert moving["location"] == {
        "latitude": 0.0,
        "longitude": 0.0,
        "live_period": 900,
        "heading": 90,
        "proximity_alert_radius": 200,
    }
    assert "venue" not in point
    assert point["disable_notification"] is False


async def test_places_are_counted_sends_with_chat_states_limits_and_faults(standin, bot):
    assert {"sendVenue", "sendLocation"} <= COUNTED_SENDS
    standin.block(10)
    standin.forget(12)
    standin.migrate(-13, -1000000000013)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_venue(10, **TPS)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_location(10, 1.0, 2.0)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_location(12, 1.0, 2.0)
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_venue(-13, **TPS)
    assert migrated.value.new_chat_id == -1000000000013
    standin.fail_next(1, status=429, retry_after=4)
    with pytest.raises(RetryAfter):
        await bot.send_location(5, 1.0, 2.0)
    standin.rate_limit = 1
    await bot.send_venue(6, **TPS)
    with pytest.raises(RetryAfter):
        await bot.send_location(7, 1.0, 2.0)
    assert standin.answers == {403: 2, 400: 2, 429: 2, 200: 1}
    assert standin.faults == {"429": 1}
    assert standin.rate_limited["global"] == 1
    assert [m["chat_id"] for m in standin.messages] == [6]


@pytest.mark.filterwarnings("ignore:Please use:telegram.warnings.PTBUserWarning")  # do_api_request: PTB checks less
async def test_missing_or_wrong_parameters_are_bad_requests(standin, bot):
    async def venue(**params: object) -> Message:
        return await bot.do_api_request("sendVenue", api_kwargs={"chat_id": 42, **params}, return_type=Message)

    with pytest.raises(BadRequest, match='Parameter "title" is required'):
        await venue(latitude=1.0, longitude=2.0, address="Jl. Sunda Kelapa 5")
    with pytest.raises(BadRequest, match='Parameter "address" is required'):
        await venue(latitude=1.0, longitude=2.0, title="TPS 1", address="  ")
    with pytest.raises(BadRequest, match="Latitude is empty"):
        await venue(longitude=2.0, title="TPS 1", address="Jl. Sunda Kelapa 5")
    with pytest.raises(BadRequest, match="Wrong venue location specified"):
        await venue(**dict(TPS, latitude=-90.5))
    with pytest.raises(BadRequest, match="Invalid location specified"):
        await bot.send_location(42, 91.0, 10.0)
    with pytest.raises(BadRequest, match="Invalid location specified"):
        await bot.send_location(42, 10.0, -180.01)
    with pytest.raises(BadRequest, match="Wrong live location period specified"):
        await bot.send_location(42, 1.0, 2.0, live_period=30)
    with pytest.raises(BadRequest, match="Wrong live location heading specified"):
        await bot.send_location(42, 1.0, 2.0, live_period=60, heading=361)
    with pytest.raises(BadRequest, match="Can't parse reply keyboard markup"):
        await bot.do_api_request(
            "sendLocation", api_kwargs={"chat_id": 42, "latitude": 1, "longitude": 2, "reply_markup": "[1]"}
        )
    assert standin.sent_to(42) == []
    assert standin.answers == {400: 9}


async def test_raw_http_and_the_control_api_show_places(standin):
    api = f"{standin.base_url}{standin.token}"
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"{api}/sendLocation", data={"chat_id": "42", "longitude": "2"})
        assert answer.status_code == 400
        assert answer.json() == {"ok": False, "error_code": 400, "description": "Bad Request: latitude is empty"}
        answer = await client.post(f"{api}/sendLocation", data={"chat_id": "42", "latitude": "x", "longitude": "2"})
        assert answer.json()["description"] == 'Bad Request: field "latitude" must be of type Float'
        answer = await client.post(f"{api}/sendLocation", data={"chat_id": "42", "latitude": "nan", "longitude": "2"})
        assert answer.json()["description"] == "Bad Request: invalid location specified"
        form = {"chat_id": "42", "latitude": " -6.2 ", "longitude": "106.8", "title": "TPS 1", "address": "Balai"}
        answer = await client.post(
            f"{api}/sendvenue", data=dict(form, google_place_id="ChIJ", google_place_type="school")
        )
        result = answer.json()["result"]
        assert result["venue"] == {
            "location": {"latitude": -6.2, "longitude": 106.8},
            "title": "TPS 1",
            "address": "Balai",
            "google_place_id": "ChIJ",
            "google_place_type": "school",
        }
        assert result["location"] == {"latitude": -6.2, "longitude": 106.8}
        await client.post(f"{api}/sendLocation", json={"chat_id": 42, "latitude": 1.5, "longitude": -2})
        listed = (await client.get(f"{standin.control_url}/messages?chat_id=42")).json()
    assert [(m["seq"], m["method"]) for m in listed] == [(0, "sendVenue"), (1, "sendLocation")]
    assert listed[0]["venue"]["title"] == "TPS 1"
    assert listed[0]["venue"]["address"] == "Balai"
    assert (listed[0]["venue"]["latitude"], listed[0]["venue"]["longitude"]) == (-6.2, 106.8)
    assert listed[1]["location"] == {"latitude": 1.5, "longitude": -2.0}


async def test_places_copy_and_count_as_duplicates_by_title_or_point(standin, bot):
    sent = await bot.send_venue(42, **TPS)
    copy = await bot.copy_message(43, 42, sent.message_id)
    forwarded = await bot.forward_message(44, 42, sent.message_id)
    assert copy.message_id == 1
    assert forwarded.venue.title == "TPS 012 Menteng"
    assert forwarded.location.latitude == -6.2
    assert standin.dup_count() == 0
    await bot.send_venue(42, **TPS)
    await bot.send_venue(42, **dict(TPS, title="TPS 013 Menteng"))
    await bot.send_location(42, 1.0, 2.0)
    await bot.send_location(42, 1.0, 3.0)
    assert standin.dup_count() == 1
