"""A subscriber whose Telegram speaks English gets English; /bahasa switches."""

from __future__ import annotations

from tests.conftest import make_schedule
from tests.e2e import Harness
from tests.test_corrections import EN, ID_USER, buttons, stages


async def test_english_user_gets_english_and_bahasa_switches(tmp_path, soon):
    schedule = make_schedule(
        [{"id": "r", "at": soon(600), "roles": ["pemilih"], "text": "<b>Ke TPS</b>", "text_en": "<b>Go vote</b>"}],
        stages(),
    )
    async with Harness(tmp_path, schedule) as h:
        [welcome] = await h.say(EN, "/start", language_code="en-GB")
        assert "Welcome" in welcome["text"]
        assert "Please choose your role" in welcome["text"]
        assert "Voter" in buttons(welcome)
        await h.say(ID_USER, "/start pemilih", language_code="id")
        await h.press(EN, welcome, buttons(welcome)["Voter"])
        await h.standin.wait_for(lambda: "You are registered as <b>Voter</b>" in h.texts_to(EN)[-1])
        [schedule_reply] = await h.say(EN, "/jadwal")
        assert "Campaign period" in schedule_reply["text"]
        assert "Wednesday, 27 November 2030" in schedule_reply["text"]
        await h.reach("r")
        await h.standin.wait_for(lambda: "<b>Go vote</b>" in h.texts_to(EN) and "<b>Ke TPS</b>" in h.texts_to(ID_USER))
        [prompt] = await h.say(EN, "/bahasa")
        await h.press(EN, prompt, buttons(prompt)["Bahasa Indonesia"])
        await h.standin.wait_for(lambda: "Bahasa diubah" in h.texts_to(EN)[-1])
        [reply] = await h.say(EN, "/jadwal", language_code="en")  # the choice beats the app's language
        assert "Masa kampanye" in reply["text"]
        assert "Rabu, 27 November 2030" in reply["text"]
        assert h.store.subscriber(EN).language == "id"
        [help_reply] = await h.say(ID_USER, "/help")
        assert "Daftar perintah" in help_reply["text"]
