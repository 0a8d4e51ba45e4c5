"""What the bot says to subscribers, in Indonesian and English (a string catalogue: data only).

Read through :func:`bot.content.catalogue.say`. Texts that change with the election (dates, rules, form
names) are not here: they live in the schedule file, and these strings refer to them."""

from __future__ import annotations

ROLE_NAMES = {
    "id": {"asn": "ASN (Aparatur Sipil Negara)", "kades": "Kepala Desa & Perangkat Desa", "pemilih": "Pemilih"},
    "en": {"asn": "State employee (ASN: PNS or PPPK)", "kades": "Village head & village staff", "pemilih": "Voter"},
}


# In English "civil servant" means a PNS only; the ASN role covers PPPK (contract employees) too.
ROLE_BUTTONS = {
    "id": {"asn": "ASN", "kades": "Kepala Desa & Perangkat Desa", "pemilih": "Pemilih"},
    "en": {"asn": "State employee (ASN)", "kades": "Village head & village staff", "pemilih": "Voter"},
}


SUBSCRIBER = {
    "id": {
        "state_done": "selesai",
        "state_current": "sedang berlangsung",
        "state_upcoming": "akan datang",
        "legend": "✅ selesai · ▶️ berlangsung · 🗓 akan datang",
        "schedule_title": "Jadwal {election}",
        "today": "hari ini",
        "all_over": "Semua tahapan telah selesai. Terima kasih atas partisipasi Anda.",
        "none_new": "Tidak ada tahapan baru yang akan dimulai.",
        "next_stage": "Tahapan berikutnya",
        "welcome": (
            "Selamat datang di layanan pengingat <b>{name}</b> {region}.\n\n"
            "Bot ini mengirim jadwal tahapan, aturan netralitas, dan pengingat hari pemungutan suara. "
            "Bot hanya menyimpan {stored}. {unanswered} Rincian: /privasi.\n\n"
            "Silakan pilih peran Anda:"
        ),
        "already": "Anda sudah berlangganan sebagai <b>{role}</b>.\nIngin mengganti peran? Pilih di bawah ini.",
        "choose_role": "Pilih peran Anda:",
        "subscribed": (
            "Terima kasih. Anda terdaftar sebagai <b>{role}</b>.\n"
            "Anda akan menerima pengingat sesuai peran Anda.\n\n{next}\n\n"
            "Ketik /jadwal untuk semua tahapan, /bantuan untuk daftar perintah."
        ),
        "subscribed_over": (
            "Terima kasih. Anda terdaftar sebagai <b>{role}</b>.\n"
            "Semua pengingat pemilihan ini sudah dikirim. Bot akan memberi tahu Anda saat jadwal pemilihan "
            "berikutnya dimuat.\n\n{next}\n\n"
            "Ketik /jadwal untuk semua tahapan, /bantuan untuk daftar perintah."
        ),
        "page_missing": "Informasi ini belum tersedia. Ketik /jadwal untuk jadwal tahapan.",
        "not_subscribed_hint": "\n\n<i>Anda belum berlangganan. Ketik /start untuk memilih peran.</i>",
        "stopped": (
            "Anda berhenti berlangganan. Bot tidak akan mengirim pesan lagi.\n"
            "Ketik /start kapan saja untuk berlangganan kembali, atau /hapus untuk menghapus data Anda."
        ),
        "not_a_subscriber": "Anda belum berlangganan. Ketik /start untuk memilih peran.",
        "deleted": ("Semua data Anda ({forgotten}) telah dihapus.\nKetik /start jika ingin berlangganan lagi."),
        "delete_confirm": ("Hapus <b>semua</b> data Anda ({forgotten})? Anda tidak akan menerima pengingat lagi."),
        "delete_yes": "Ya, hapus",
        "delete_no": "Batal",
        "delete_kept": "Tidak jadi. Data Anda tidak dihapus.",
        "unknown_command": "Perintah tidak dikenal. Ketik /bantuan untuk daftar perintah.",
        "free_text": "Maaf, bot ini hanya membaca tulisan. Ketik pertanyaan Anda, atau /bantuan untuk daftar perintah.",
        "stale_button": "Tombol ini sudah tidak berlaku. Ketik /start untuk memulai lagi.",
        "group_admins_only": "Maaf, di grup hanya admin grup yang dapat mengubah langganan grup ini.",
        "error": "Maaf, terjadi kesalahan. Silakan coba lagi sebentar lagi.",
        "help_title": "Daftar perintah",
        "help_aliases": "/stop sama dengan /berhenti, /help sama dengan /bantuan.",
        "help_operator_title": "Perintah operator",
        "language_prompt": "Pilih bahasa / Choose a language:",
        "language_set": "Bahasa diubah ke Bahasa Indonesia.",
        "calendar_button": "📅 Tambah ke kalender",
        "calendar_caption": "Jadwal tahapan untuk kalender ponsel Anda. Buka berkasnya untuk menambahkan.",
        "privacy": (
            "<b>Privasi</b>\n"
            "Bot ini hanya menyimpan: {stored}. {not_stored}\n"
            "Data dipakai hanya untuk mengirim informasi pemilihan, sesuai semangat UU 27/2022 tentang "
            "Pelindungan Data Pribadi.\n"
            "{unanswered}\n"
            "{deleting}"
        ),
        # areas: the subscriber's kecamatan/desa step
        "area_prompt": (
            "<b>Kecamatan Anda?</b> (opsional)\n"
            "Dengan kecamatan, Anda juga menerima pengumuman khusus wilayah Anda. Pilih di bawah, atau tekan Lewati."
        ),
        "desa_prompt": "<b>Desa/kelurahan Anda di {area}?</b> (opsional)\nPilih di bawah, atau tekan Lewati.",
        "area_saved": "Wilayah disimpan: <b>{area}</b>. Ubah kapan saja dengan /wilayah.",
        "area_known": "Wilayah Anda: <b>{area}</b>. Ubah kapan saja dengan /wilayah.",
        "area_change_prompt": "<b>Kecamatan Anda?</b> Pilih di bawah, atau tekan Batal untuk tidak mengubah.",
        "area_skipped": (
            "Tanpa wilayah: Anda tetap menerima semua pengingat untuk peran Anda. Atur kapan saja dengan /wilayah."
        ),
        "area_kept": "Wilayah tidak diubah.",
        "area_removed": "Wilayah dihapus. Anda tetap menerima semua pengingat untuk peran Anda.",
        "area_current": "Wilayah Anda sekarang: <b>{area}</b>.",
        "area_unset": "Anda belum memilih wilayah.",
        "area_none": "Layanan ini tidak membagi pengingat per wilayah.",
        "area_skip": "Lewati",
        "area_cancel": "Batal",
        "area_remove": "Hapus wilayah",
        # pledges
        "pledge_will_vote": "✅ Saya akan memilih",
        "pledge_voted": "✅ Saya sudah memilih",
        "pledge_thanks_will_vote": "Terima kasih! Tercatat: Anda akan memilih. Ajak juga keluarga Anda.",
        "pledge_thanks_voted": "Terima kasih! Tercatat: Anda sudah memilih.",
        # the invite button (bot/content/invites.py)
        "invite_button": "📨 Ajak keluarga & tetangga",
        "invite_text": (
            "Dapatkan pengingat resmi {election} dari KPU {region} di Telegram: jadwal tahapan, "
            "aturan netralitas, dan TPS Anda. Gratis, tanpa NIK."
        ),
        # the FAQ
        "faq_not_found": "Maaf, jawaban untuk pertanyaan itu belum ada. Ketik /bantuan untuk daftar perintah.",
        "faq_contact": "Hubungi: {contact}",
        "faq_phone": "Telepon/WhatsApp: {phone}",
        "faq_maybe": "Mungkin maksud Anda:",
    },
    "en": {
        "state_done": "done",
        "state_current": "under way",
        "state_upcoming": "upcoming",
        "legend": "✅ done · ▶️ under way · 🗓 upcoming",
        "schedule_title": "{election} schedule",
        "today": "today",
        "all_over": "All stages are over. Thank you for taking part.",
        "none_new": "No further stage is about to start.",
        "next_stage": "Next stage",
        "welcome": (
            "Welcome to the <b>{name}</b> reminder service of {region}.\n\n"
            "This bot sends the stage dates, neutrality rules and voting-day reminders. "
            "It stores only {stored}. {unanswered} Details: /privacy.\n\n"
            "Please choose your role:"
        ),
        "already": "You are subscribed as <b>{role}</b>.\nWant to change your role? Choose below.",
        "choose_role": "Choose your role:",
        "subscribed": (
            "Thank you. You are registered as <b>{role}</b>.\n"
            "You will receive the reminders for your role.\n\n{next}\n\n"
            "Type /jadwal for all stages, /help for the commands."
        ),
        "subscribed_over": (
            "Thank you. You are registered as <b>{role}</b>.\n"
            "All reminders of this election have been sent. The bot will tell you when the next election's "
            "schedule is loaded.\n\n{next}\n\n"
            "Type /jadwal for all stages, /help for the commands."
        ),
        "page_missing": "This information is not available yet. Type /jadwal for the stage dates.",
        "not_subscribed_hint": "\n\n<i>You are not subscribed. Type /start to choose a role.</i>",
        "stopped": (
            "You have unsubscribed. The bot will not send you messages any more.\n"
            "Type /start any time to subscribe again, or /hapus to delete your data."
        ),
        "not_a_subscriber": "You are not subscribed. Type /start to choose a role.",
        "deleted": ("All your data ({forgotten}) has been deleted.\nType /start if you want to subscribe again."),
        "delete_confirm": ("Delete <b>all</b> your data ({forgotten})? You will not receive reminders any more."),
        "delete_yes": "Yes, delete",
        "delete_no": "Cancel",
        "delete_kept": "Nothing was deleted. Your data is kept.",
        "unknown_command": "Unknown command. Type /help for the list of commands.",
        "free_text": "Sorry, this bot only reads text. Type your question, or /help for the list of commands.",
        "stale_button": "This button is no longer valid. Type /start to begin again.",
        "group_admins_only": "Sorry, in a group only the group's admins can change its subscription.",
        "error": "Sorry, something went wrong. Please try again in a moment.",
        "help_title": "Commands",
        "help_aliases": "/stop is the same as /berhenti, /help the same as /bantuan.",
        "help_operator_title": "Operator commands",
        "language_prompt": "Pilih bahasa / Choose a language:",
        "language_set": "Language changed to English.",
        "calendar_button": "📅 Add to calendar",
        "calendar_caption": "The stage dates for your phone's calendar. Open the file to add them.",
        "privacy": (
            "<b>Privacy</b>\n"
            "This bot stores only: {stored}. {not_stored}\n"
            "The data is used only to send election information, in the spirit of Indonesia's personal data "
            "protection law (UU 27/2022).\n"
            "{unanswered}\n"
            "{deleting}"
        ),
        # areas: the subscriber's kecamatan/desa step
        "area_prompt": (
            "<b>Your kecamatan?</b> (optional)\n"
            "With a kecamatan you also get the notices for your area. Choose below, or press Skip."
        ),
        "desa_prompt": "<b>Your desa/kelurahan in {area}?</b> (optional)\nChoose below, or press Skip.",
        "area_saved": "Area saved: <b>{area}</b>. Change it any time with /wilayah.",
        "area_known": "Your area: <b>{area}</b>. Change it any time with /wilayah.",
        "area_change_prompt": "<b>Your kecamatan?</b> Choose below, or press Cancel to keep it as it is.",
        "area_skipped": "No area: you still get every reminder for your role. Set one any time with /wilayah.",
        "area_kept": "Area not changed.",
        "area_removed": "Area removed. You still get every reminder for your role.",
        "area_current": "Your area now: <b>{area}</b>.",
        "area_unset": "You have not chosen an area.",
        "area_none": "This service does not divide reminders by area.",
        "area_skip": "Skip",
        "area_cancel": "Cancel",
        "area_remove": "Remove area",
        # pledges
        "pledge_will_vote": "✅ I will vote",
        "pledge_voted": "✅ I have voted",
        "pledge_thanks_will_vote": "Thank you! Noted: you will vote. Bring your family along too.",
        "pledge_thanks_voted": "Thank you! Noted: you have voted.",
        # the invite button (bot/content/invites.py)
        "invite_button": "📨 Invite family & neighbours",
        "invite_text": (
            "Get the official {election} reminders from the KPU of {region} on Telegram: the stage dates, "
            "the neutrality rules and your polling station (TPS). Free, no ID number needed."
        ),
        # the FAQ
        "faq_not_found": "Sorry, there is no answer to that question yet. Type /help for the list of commands.",
        "faq_contact": "Contact: {contact}",
        "faq_phone": "Phone/WhatsApp: {phone}",
        "faq_maybe": "Did you mean:",
    },
}


COMMANDS = {
    "id": (
        ("start", "Mulai dan pilih peran"),
        ("jadwal", "Jadwal tahapan pemilihan"),
        ("tps", "TPS Anda dan panduan hari pemungutan suara"),
        ("netralitas", "Aturan netralitas sesuai peran"),
        ("peran", "Ganti peran"),
        ("wilayah", "Atur kecamatan/desa Anda"),
        ("bahasa", "Ganti bahasa / language"),
        ("privasi", "Data apa yang disimpan"),
        ("berhenti", "Berhenti menerima pesan"),
        ("hapus", "Hapus semua data Anda"),
        ("bantuan", "Daftar perintah"),
    ),
    "en": (
        ("start", "Start and choose a role"),
        ("jadwal", "Election stage dates"),
        ("tps", "Your polling station and voting-day guidance"),
        ("netralitas", "Neutrality rules for your role"),
        ("peran", "Change role"),
        ("wilayah", "Set your kecamatan/desa"),
        ("bahasa", "Change language / bahasa"),
        ("privasi", "What data is stored"),
        ("berhenti", "Stop receiving messages"),
        ("hapus", "Delete all your data"),
        ("bantuan", "List of commands"),
    ),
}


# The calendar file's wording (bot/content/ics.py). What to bring on voting day is an election fact: the
# TPS event's description is the schedule file's `calendar_tps` fact.
CALENDAR = {
    "id": {
        "stage": "Tahapan {election}, {region}.",
        "source": "Sumber: {source}.",
        "tps": "Pemungutan suara: TPS buka {open}–{close} {zone}",
        "time_format": "%H.%M",
    },
    "en": {
        "stage": "Stage of {election}, {region}.",
        "source": "Source: {source}.",
        "tps": "Voting: polling stations open {open}–{close} {zone}",
        "time_format": "%H:%M",
    },
}
