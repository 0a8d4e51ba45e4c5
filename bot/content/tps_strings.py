"""What the bot says about a subscriber's own TPS, in Indonesian and English (a string catalogue: data only).

Read through :func:`bot.content.catalogue.say`. The TPS themselves (numbers, locations, coordinates) come
from the commission's TPS file; the hours and the invitation's form name from the schedule file.
"""

from __future__ import annotations

TPS = {
    "id": {
        "tps_prompt": "<b>Nomor TPS Anda?</b> (opsional)\nLihat {invitation}. Pilih di bawah, atau tekan Lewati.",
        "tps_invitation_form": "formulir {form} (undangan memilih)",
        "tps_invitation": "undangan memilih Anda",
        "tps_saved": "TPS disimpan: {tps}. Lihat lokasinya kapan saja dengan /tps.",
        "tps_skipped": "Tanpa nomor TPS. Pilih kapan saja dengan /tps.",
        "tps_removed": "Nomor TPS dihapus. Wilayah Anda tetap: <b>{area}</b>.",
        "tps_current": "TPS Anda: {tps}.",
        "tps_line": "<b>{label} {desa}</b>, Kec. {kecamatan} — {location}",
        "tps_generic": "Nomor dan lokasi TPS Anda tertera pada undangan memilih. Simpan TPS Anda di bot ini: /tps.",
        "tps_title": "<b>📍 TPS Anda: {label}</b>",
        "tps_place": "{desa}, Kec. {kecamatan}\n{location}",
        "tps_hours": "Buka pukul <b>{open}–{close} {zone}</b>",
        "tps_day": "pada {day}",
        "tps_voters": "DPT TPS ini: {voters} pemilih.",
        "tps_no_pin": "Titik lokasi di peta belum tersedia untuk TPS ini.",
        "tps_change_hint": "Ganti atau hapus TPS: /wilayah.",
        "tps_list_title": "<b>TPS di {desa}, Kec. {kecamatan}</b>",
        "tps_pick": "Pilih TPS Anda di bawah ini (lihat {invitation}).",
        "tps_need_desa": "Untuk melihat TPS Anda, pilih dulu kecamatan dan desa/kelurahan Anda:",
        "tps_no_list": "Daftar TPS untuk {desa} belum tersedia di bot ini.",
        "tps_not_subscribed": "Untuk menyimpan TPS Anda, berlangganan dulu dengan /start.",
        "tps_button_change": "Ganti TPS",
        "tps_button_remove": "Hapus TPS",
        "tps_venue_title": "{label} {desa}",
        "tps_moved": (
            "<b>Ralat lokasi TPS</b>\n"
            "Lokasi {label} {desa}, Kec. {kecamatan} berubah:\n"
            "<s>{old}</s>\n"
            "<b>{new}</b>\n\n"
            "Mohon maaf atas perubahan ini. Lihat TPS Anda: /tps."
        ),
    },
    "en": {
        "tps_prompt": (
            "<b>Your polling station (TPS) number?</b> (optional)\nSee {invitation}. Choose below, or press Skip."
        ),
        "tps_invitation_form": "the {form} form (your voting invitation)",
        "tps_invitation": "your voting invitation",
        "tps_saved": "TPS saved: {tps}. See where it is any time with /tps.",
        "tps_skipped": "No TPS number. Choose one any time with /tps.",
        "tps_removed": "TPS number removed. Your area stays: <b>{area}</b>.",
        "tps_current": "Your TPS: {tps}.",
        "tps_line": "<b>{label} {desa}</b>, {kecamatan} district — {location}",
        "tps_generic": "Your TPS number and location are on your voting invitation. Save your TPS in this bot: /tps.",
        "tps_title": "<b>📍 Your polling station: {label}</b>",
        "tps_place": "{desa}, {kecamatan} district\n{location}",
        "tps_hours": "Open <b>{open}–{close} {zone}</b>",
        "tps_day": "on {day}",
        "tps_voters": "Voters on the list (DPT) of this TPS: {voters}.",
        "tps_no_pin": "No map location is available for this TPS yet.",
        "tps_change_hint": "Change or remove your TPS: /wilayah.",
        "tps_list_title": "<b>Polling stations (TPS) in {desa}, {kecamatan} district</b>",
        "tps_pick": "Choose your TPS below (see {invitation}).",
        "tps_need_desa": "To see your polling station, first choose your kecamatan and desa/kelurahan:",
        "tps_no_list": "The list of polling stations for {desa} is not in this bot yet.",
        "tps_not_subscribed": "To save your TPS, subscribe first with /start.",
        "tps_button_change": "Change TPS",
        "tps_button_remove": "Remove TPS",
        "tps_venue_title": "{label} {desa}",
        "tps_moved": (
            "<b>Correction: polling station (TPS) location</b>\n"
            "{label} {desa}, {kecamatan} district has moved:\n"
            "<s>{old}</s>\n"
            "<b>{new}</b>\n\n"
            "We apologise for the change. See your TPS: /tps."
        ),
    },
}
