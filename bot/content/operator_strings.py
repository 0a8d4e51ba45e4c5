"""What the bot says to the commission's operators, in Indonesian and English (a string catalogue: data only).

Read through :func:`bot.content.catalogue.say` (strings and templates) and
:func:`bot.content.catalogue.entry` (the tables of words: states, outage parts ...)."""

from __future__ import annotations

from bot import store as st

ROLE_SHORT = {
    "id": {"asn": "ASN", "kades": "Kepala Desa", "pemilih": "Pemilih"},
    "en": {"asn": "ASN", "kades": "Village head / official", "pemilih": "Voter"},
}


OPERATOR_COMMANDS = {
    "id": (
        ("statistik", "Statistik pelanggan dan grafik"),
        ("siaran", "Kirim siaran mendadak"),
        ("batal", "Batalkan draf, siaran terjadwal atau siaran yang berjalan"),
        ("rencana", "Pengingat dan siaran terjadwal berikutnya"),
        ("laporan", "Laporan pengiriman"),
        ("audit", "Jejak tindakan operator"),
        ("pertanyaan", "Pertanyaan yang belum terjawab"),
    ),
    "en": (
        ("statistik", "Subscriber statistics and chart"),
        ("siaran", "Send an urgent broadcast"),
        ("batal", "Cancel a draft or a scheduled broadcast, or stop the running one"),
        ("rencana", "Upcoming scheduled reminders and broadcasts"),
        ("laporan", "Delivery reports"),
        ("audit", "Operator action trail"),
        ("pertanyaan", "Questions the bot could not answer"),
    ),
}


OP_STRINGS = {
    "id": {
        "not_author": "Hanya pembuat siaran ini yang dapat menekan tombol ini.",
        "not_operator": "Hanya operator yang dapat melakukan ini.",
        "self_approval": "Anda tidak dapat menyetujui siaran Anda sendiri. Minta operator lain.",
        "pick_role": "Pilih minimal satu peran.",
        "draft_choosing": "Siaran ini masih memilih peran.",
        "draft_writing": "Siaran ini masih menunggu teks.",
        "draft_preview": "Siaran ini belum dikirim.",
        "draft_awaiting_approval": "Siaran ini sedang menunggu persetujuan.",
        "draft_sent": "Siaran ini sudah dikirim; tidak dikirim dua kali.",
        "draft_cancelled": "Siaran ini sudah dibatalkan.",
        "cancelled": "Siaran dibatalkan. Tidak ada yang dikirim.",
        "nothing_to_cancel": "Tidak ada siaran mendadak yang sedang berjalan.",
        "awaiting": "Menunggu persetujuan operator lain. Mereka sudah diberi tahu.",
        "no_such_report": "Tidak ada siaran dengan ID itu. Ketik /laporan untuk daftar.",
        "sent_answer": "Dikirim.",
        "sent_status": "Siaran dikirim. Kemajuan di pesan berikut.",
        "launch_failed": "Siaran belum dapat dimulai; tidak ada yang dikirim. Tekan tombol itu lagi sebentar lagi.",
        "launch_interrupted": (
            "{broadcast} tercatat, tetapi antreannya terhenti. Antrean dilanjutkan saat bot dimulai ulang."
        ),
        "approved": "Disetujui dan dikirim.",
        "rejected": "Ditolak. Tidak ada yang dikirim.",
        "rejected_notice": "Siaran draf-{draft} ditolak oleh operator {who}.",
        "stats_caption": "Pelanggan per peran dan hasil siaran terakhir",
        "button_next": "Lanjut ▶",
        "button_cancel": "Batal",
        "button_send": "Kirim",
        "button_submit": "Ajukan untuk disetujui",
        "button_approve": "Setujui",
        "button_reject": "Tolak",
        "drafts_cancelled": "Draf siaran Anda dibatalkan. Tidak ada yang dikirim.",
        "still_running": "{name} masih berjalan; ketik /batal lagi untuk menghentikannya.",
        "no_recipients_alert": "Tidak ada penerima untuk peran ini; tidak ada yang dikirim.",
        "ampersand_escaped": "Catatan: tanda &amp; ditulis sebagai &amp;amp; agar diterima Telegram.",
        # areas: the /siaran area step
        "draft_choosing_areas": "Siaran ini masih memilih wilayah.",
        "button_all_areas": "Semua wilayah",
        "button_desa": "Desa ›",
        "button_back": "‹ Kembali",
        "all_areas": "semua wilayah",
        "more_areas": "+{n} lainnya",
        # the FAQ
        "questions_title": "<b>Pertanyaan tanpa jawaban</b> (30 hari terakhir, terbanyak dulu)",
        "questions_none": "Tidak ada pertanyaan tanpa jawaban dalam 30 hari terakhir.",
        # broadcasts sent later ("Kirim nanti")
        "button_later": "Kirim nanti",
        "button_schedule": "Jadwalkan",
        "button_night": "🌙 Ya, kirim malam hari",
        "button_retime": "Ubah waktu",
        "button_unschedule": "Batalkan jadwal",
        "draft_timing": "Siaran ini menunggu waktu kirim; ketik tanggal dan jamnya.",
        "draft_timed": "Siaran ini menunggu konfirmasi waktu kirim.",
        "draft_scheduled": "Siaran ini sudah dijadwalkan; tidak dijadwalkan dua kali.",
        "scheduled_answer": "Dijadwalkan.",
        "approved_scheduled": "Disetujui dan dijadwalkan.",
        "scheduled_hint": "Siaran terjadwal ada di /rencana; batalkan dengan /batal ID.",
        "no_recipients_later": "Kirim nanti tetap bisa: penerima dihitung saat waktunya tiba.",
    },
    "en": {
        "not_author": "Only the author of this broadcast can press this button.",
        "not_operator": "Only operators can do this.",
        "self_approval": "You cannot approve your own broadcast. Ask another operator.",
        "pick_role": "Choose at least one role.",
        "draft_choosing": "This broadcast is still choosing its roles.",
        "draft_writing": "This broadcast is still waiting for its text.",
        "draft_preview": "This broadcast has not been sent yet.",
        "draft_awaiting_approval": "This broadcast is waiting for approval.",
        "draft_sent": "This broadcast has already been sent; it is never sent twice.",
        "draft_cancelled": "This broadcast has already been cancelled.",
        "cancelled": "Broadcast cancelled. Nothing was sent.",
        "nothing_to_cancel": "No urgent broadcast is running.",
        "awaiting": "Waiting for another operator's approval. They have been notified.",
        "no_such_report": "No broadcast with that ID. Type /laporan for the list.",
        "sent_answer": "Sent.",
        "sent_status": "Broadcast sent. Progress in the next message.",
        "launch_failed": "The broadcast could not be started; nothing was sent. Press the button again in a moment.",
        "launch_interrupted": (
            "{broadcast} is recorded, but queuing it stopped. Queuing resumes when the bot restarts."
        ),
        "approved": "Approved and sent.",
        "rejected": "Rejected. Nothing was sent.",
        "rejected_notice": "Broadcast draf-{draft} was rejected by operator {who}. Nothing was sent.",
        "stats_caption": "Subscribers per role and results of the latest broadcasts",
        "button_next": "Next ▶",
        "button_cancel": "Cancel",
        "button_send": "Send",
        "button_submit": "Submit for approval",
        "button_approve": "Approve",
        "button_reject": "Reject",
        "drafts_cancelled": "Your broadcast draft was cancelled. Nothing was sent.",
        "still_running": "{name} is still running; type /batal again to stop it.",
        "no_recipients_alert": "No recipients for these roles; nothing was sent.",
        "ampersand_escaped": "Note: &amp; was written as &amp;amp; so that Telegram accepts it.",
        # areas: the /siaran area step
        "draft_choosing_areas": "This broadcast is still choosing its areas.",
        "button_all_areas": "All areas",
        "button_desa": "Villages ›",
        "button_back": "‹ Back",
        "all_areas": "all areas",
        "more_areas": "+{n} more",
        # the FAQ
        "questions_title": "<b>Unanswered questions</b> (last 30 days, most asked first)",
        "questions_none": "No unanswered questions in the last 30 days.",
        # broadcasts sent later ("Kirim nanti")
        "button_later": "Send later",
        "button_schedule": "Schedule",
        "button_night": "🌙 Yes, send at night",
        "button_retime": "Change time",
        "button_unschedule": "Cancel schedule",
        "draft_timing": "This broadcast is waiting for its send time; type the date and time.",
        "draft_timed": "This broadcast is waiting for its send time to be confirmed.",
        "draft_scheduled": "This broadcast is already scheduled; it is never scheduled twice.",
        "scheduled_answer": "Scheduled.",
        "approved_scheduled": "Approved and scheduled.",
        "scheduled_hint": "Scheduled broadcasts are in /rencana; cancel one with /batal ID.",
        "no_recipients_later": "Send later is still possible: recipients are counted when the time comes.",
    },
}


BROADCAST_WORDS = {"siaran": ("Siaran", "Broadcast"), "ralat": ("Ralat", "Correction")}


OP_TEMPLATES = {
    "id": {
        "stats_title": "<b>Statistik pelanggan</b> · {region}",
        "stats_totals": (
            "Total aktif: <b>{total}</b>\nBerhenti: {stopped} · Memblokir/hilang: {blocked}\n"
            "Baru hari ini: {today} · 14 hari terakhir: {days}"
        ),
        "roles_prompt": "<b>Siaran baru</b>\nPilih peran penerima (minimal satu), lalu tekan Lanjut.\nDipilih: {roles}",
        "text_prompt": (
            "<b>Siaran baru</b> untuk: {roles}\n"
            "Sekarang kirim teks pesannya. Format HTML Telegram boleh: &lt;b&gt;, &lt;i&gt;, &lt;a href&gt;."
        ),
        "refused": "Teks ditolak: {reason}\nKirim teks yang sudah diperbaiki, atau /siaran untuk mulai lagi.",
        "preview": (
            "<b>Pratinjau</b>: pesan di atas persis seperti yang akan diterima.\n"
            "Penerima: <b>{recipients}</b> ({roles})\nPerkiraan durasi: {duration} pada {rate} pesan/detik."
        ),
        "preview_approval": "Perlu persetujuan satu operator lain sebelum dikirim.",
        "no_recipients": (
            "<b>Tidak ada penerima</b>: belum ada pelanggan aktif dengan peran {roles}, jadi siaran ini "
            "tidak dapat dikirim. Tekan Batal, atau /siaran untuk memilih peran lain."
        ),
        "progress": (
            "<b>{name}</b> · {state}\nTerkirim {sent} dari {total} ({percent:.0f}%)\n"
            "Memblokir {blocked} · gagal {failed} · kedaluwarsa {expired} · dibatalkan {cancelled}"
        ),
        "progress_running": "Laju {rate} pesan/detik · perkiraan selesai {eta}",
        "progress_network": "Menunggu jaringan: {waiting} (belum terkirim, dicoba lagi sampai kedaluwarsa)",
        "progress_done": "Selesai {finished}",
        "states": {
            st.DONE: "selesai",
            st.RUNNING: "sedang dikirim",
            st.ENQUEUING: "menyiapkan",
            st.SCHEDULED: "dijadwalkan",
            st.CANCELLED: "dibatalkan sebelum mulai",
            st.EXPIRED: "kedaluwarsa, tidak dikirim",
        },
        "progress_scheduled": "Dijadwalkan {at}",
        "reports_none": "Belum ada siaran.",
        "reports_title": "<b>Siaran terakhir</b>",
        "reports_line": "<code>{id}</code> · {created} · {sent}/{total} terkirim",
        "reports_line_unsent": "<code>{id}</code> · {at} · {state}",
        "reports_hint": "Rincian: /laporan ID",
        "audit_none": "Belum ada tindakan operator.",
        "audit_title": "<b>Tindakan operator terakhir</b>",
        "plan_none": "Tidak ada pengingat terjadwal yang akan datang.",
        "plan_title": "<b>Pengingat terjadwal</b> · {rate} pesan/detik",
        "plan_line": "{head}\n  {at} · {roles} · {recipients} · {duration} · {finish}",
        "plan_finish": "selesai {at}",
        "plan_adhoc": "🕒 <b>{name}</b> · siaran terjadwal",
        "plan_adhoc_cancel": "  Batalkan sebelum mulai: <code>/batal {id}</code>",
        "plan_not_all": "selesai tidak semua",
        "plan_late": "  ⚠️ hanya {reached} dari {total} ({share}) sebelum batas {deadline}",
        "approval": (
            "<b>Persetujuan diperlukan</b>\nOperator {author} ingin mengirim siaran di atas ke {recipients} ({roles})."
        ),
        "broadcast_stopped": (
            "{name} dihentikan: {dropped} salinan yang belum terkirim dibatalkan; {sent} sudah terkirim."
        ),
        "outage_down": (
            "⚠️ <b>Gangguan</b>: {part} gagal ({error}). Bot mencoba lagi otomatis; pesan yang tertunda "
            "menunggu. Jika berlanjut, periksa basis data dan jaringan server."
        ),
        "outage_up": "✅ {part} berjalan lagi setelah {seconds} detik.",
        "alert_flood_wait": (
            "⚠️ <b>Telegram meminta jeda {seconds} detik</b> (batas kiriman terlampaui). Pengiriman siaran "
            "dilanjutkan otomatis pukul {until}; tidak ada pesan yang hilang. Jika sering terjadi, turunkan "
            "BOT_RATE_LIMIT."
        ),
        "alert_conflict": (
            "⚠️ <b>Bot lain memakai token yang sama</b>: Telegram memutus permintaan pesan bot ini karena ada "
            "bot lain dengan token ini. Dua bot dengan satu token mengirim setiap pengingat dua kali. Hentikan "
            "salah satunya (cek server lain atau <code>systemctl status pilkada-bot</code>)."
        ),
        "outage_parts": {"delivery engine": "Pengiriman pesan", "scheduler": "Penjadwal pengingat"},
        "reload_refused": (
            "⚠️ <b>Jadwal tidak dimuat ulang</b>: berkas <code>{file}</code> punya {n} masalah; jadwal yang "
            "berjalan tetap dipakai.\n{lines}\nPerbaiki berkasnya, periksa dengan <code>python bot.py check</code>, "
            "lalu muat ulang lagi."
        ),
        "reload_new_election": (
            "⚠️ <b>Jadwal tidak dimuat ulang</b>: berkas <code>{file}</code> adalah pemilihan baru, <b>{new}</b> "
            "(pemungutan suara {day}); bot ini mengikuti <b>{old}</b>. Tidak ada yang dikirim; jadwal yang berjalan "
            "tetap dipakai.\nUntuk beralih: hentikan bot, jalankan <code>python bot.py new-election {file}</code>, "
            "ubah BOT_SCHEDULE, lalu jalankan bot lagi (README: Next election)."
        ),
        "handler_error": (
            "⚠️ <b>Kesalahan</b> di <code>{where}</code>: {error}. Pengguna menerima permintaan maaf. "
            "Rincian ada di log bot; kesalahan yang sama tidak dilaporkan lagi selama 10 menit."
        ),
        # areas: the /siaran area step
        "areas_prompt": (
            "<b>Siaran baru</b> untuk: {roles}\nPilih wilayah penerima: Semua wilayah, atau kecamatan tertentu "
            "(Desa › untuk memilih desa). Lalu tekan Lanjut.\nDipilih: {areas}"
        ),
        "draft_desa_prompt": (
            "<b>{area}</b>: seluruh kecamatan, atau desa tertentu. Lalu tekan Kembali.\nDipilih: {areas}"
        ),
        "whole_area": "Seluruh {area}",
        "areas_line": "Wilayah: {areas}",
        "report_author": "oleh {author}",
        "no_recipients_areas": (
            "<b>Tidak ada penerima</b>: belum ada pelanggan aktif dengan peran {roles} di {areas}, jadi siaran "
            "ini tidak dapat dikirim. Tekan Batal, atau /siaran untuk memilih lagi."
        ),
        # areas: figures per kecamatan
        "stats_areas": "<b>Per kecamatan</b>: aktif ({roles})",
        "stats_areas_coverage": "<b>Per kecamatan</b>: aktif ({roles}), cakupan DPT",
        "stats_no_area": "Tanpa wilayah",
        # pledges
        "stats_pledges": "<b>Tombol memilih</b>: yang menekan / penerima pengingat",
        "stats_pledge_will_vote": "Akan memilih",
        "stats_pledge_voted": "Sudah memilih",
        # TPS: each voter's TPS (bot/content/tps_reports.py; only with a TPS file)
        "stats_tps": "<b>TPS</b>: pelanggan aktif yang memberi nomor TPS · TPS yang punya pelanggan",
        "stats_tps_coverage": (
            "<b>TPS</b>: pelanggan aktif yang memberi nomor TPS · TPS yang punya pelanggan, cakupan DPT TPS itu"
        ),
        "stats_tps_total": "Jumlah: <b>{count}</b> · {reached}/{tps} TPS",
        "stats_tps_unreached": "<b>TPS tanpa pelanggan</b>: {n} dari {total} (tempat yang baik untuk poster)",
        "stats_tps_all_reached": "Setiap TPS sudah punya pelanggan.",
        "stats_tps_more": "… dan {n} TPS lainnya (daftar lengkap: <code>python bot.py stats</code>)",
        "stats_tps_poster": "Poster untuk satu TPS: <code>python bot.py poster --tps {tps}</code>",
        "stats_tps_ranked": "<b>Cakupan per TPS</b> (pelanggan / DPT TPS)",
        "stats_tps_highest": "Tertinggi:",
        "stats_tps_lowest": "Terendah (yang punya pelanggan):",
        # sources: where subscribers came from (bot/content/source_reports.py)
        "stats_sources": "<b>Sumber pelanggan</b>: aktif menurut tautan pertama yang dibuka ({roles})",
        "stats_sources_plain": (
            "<b>Sumber pelanggan</b>: semua {total} pelanggan aktif datang lewat /start biasa (belum ada yang "
            "datang lewat tautan bersumber: ajakan, kanal, poster)."
        ),
        "stats_sources_more": (
            "… dan {n} sumber lainnya: <b>{count}</b> (tabel lengkap: <code>python bot.py stats</code>)"
        ),
        "stats_sources_invited": (
            "Dari ajakan pelanggan: <b>{share}</b> dari semua pelanggan aktif ({invited} dari {total})"
        ),
        "stats_sources_weeks": (
            "<b>Pelanggan baru per minggu</b> menurut sumber ({weeks} minggu terakhir, yang masih aktif)"
        ),
        "source_invite": "Ajakan pelanggan",
        "source_channel": "Kanal Telegram",
        "source_none": "tanpa sumber (/start biasa)",
        "source_none_short": "tanpa sumber",
        "source_other": "lainnya",
        "reports_sources": "<i>Sumber pelanggan aktif</i>: {parts}",
        "reports_sources_invited": "Dari ajakan pelanggan: {share} ({invited} dari {total})",
        # broadcasts sent later ("Kirim nanti")
        "when": "{day} pukul {time} {zone}",
        "time_prompt": (
            "<b>Kirim nanti</b>\nKetik tanggal dan jam kirim ({zone}), misalnya <code>{example}</code>. "
            "Penerima dihitung saat waktunya tiba."
        ),
        "time_confirm": (
            "<b>Kirim nanti</b>: {when}\nPenerima saat ini: <b>{recipients}</b> ({roles}); dihitung lagi saat "
            "waktunya tiba, jadi yang berlangganan sebelum itu ikut menerima."
        ),
        "time_night_note": "🌙 Jam itu termasuk jam tenang ({start}–{end}), saat pengingat tidak dikirim.",
        "night_question": (
            "🌙 <b>Kirim pada malam hari?</b>\n{when} termasuk jam tenang ({start}–{end}): pesan ini bisa "
            "membangunkan penerima. Tekan «Ya, kirim malam hari» hanya jika memang perlu, atau Ubah waktu."
        ),
        "scheduled": (
            "🕒 <b>{name}</b> dijadwalkan: {when}.\nLihat /rencana. Batalkan sebelum mulai dengan tombol di bawah "
            "atau <code>/batal {id}</code>."
        ),
        "scheduled_notice": (
            "🕒 <b>{name}</b> disetujui oleh operator {who} dan dijadwalkan: {when}. Batalkan sebelum mulai "
            "dengan <code>/batal {id}</code>."
        ),
        "approval_when": "Dijadwalkan: {when}",
        "unscheduled": "{name} dibatalkan sebelum mulai; tidak ada yang dikirim (dijadwalkan {when}).",
        "already_started": "{name} sudah mulai dikirim; tidak dibatalkan. Untuk menghentikannya: /batal {id}",
        "not_scheduled": "{name} tidak sedang dijadwalkan ({state}); tidak ada yang diubah.",
        "time_format": "Waktu tidak dikenali. Ketik tanggal dan jam, misalnya <code>{example}</code>.",
        "time_no_such_time": "Tanggal atau jam itu tidak ada: {text}. Ketik lagi, misalnya <code>{example}</code>.",
        "time_zone": "Ketik waktu {zone} (zona waktu pemilihan ini), tanpa zona lain.",
        "time_past": "Waktu itu sudah lewat (sekarang {now}). Ketik waktu yang akan datang.",
        "time_too_far": "Terlalu jauh ke depan: paling lambat {limit}.",
    },
    "en": {
        "stats_title": "<b>Subscriber statistics</b> · {region}",
        "stats_totals": (
            "Active subscribers: <b>{total}</b>\nStopped: {stopped} · Blocked/gone: {blocked}\n"
            "New today: {today} · last 14 days: {days}"
        ),
        "roles_prompt": "<b>New broadcast</b>\nChoose the roles (at least one), then press Next.\nSelected: {roles}",
        "text_prompt": (
            "<b>New broadcast</b> to: {roles}\n"
            "Now send the text of the message. Telegram HTML is allowed: &lt;b&gt;, &lt;i&gt;, &lt;a href&gt;."
        ),
        "refused": "Text refused: {reason}\nSend the corrected text, or /siaran to start again.",
        "preview": (
            "<b>Preview</b>: the message above is exactly what recipients will see.\n"
            "Recipients: <b>{recipients}</b> ({roles})\nEstimated duration: {duration} at {rate} messages/second."
        ),
        "preview_approval": "Another operator must approve it before it is sent.",
        "no_recipients": (
            "<b>No recipients</b>: there are no active subscribers with the roles {roles} yet, so this "
            "broadcast cannot be sent. Press Cancel, or /siaran to choose other roles."
        ),
        "progress": (
            "<b>{name}</b> · {state}\nSent {sent} of {total} ({percent:.0f}%)\n"
            "Blocked {blocked} · failed {failed} · expired {expired} · cancelled {cancelled}"
        ),
        "progress_running": "Rate {rate} messages/second · estimated finish {eta}",
        "progress_network": "Waiting for the network: {waiting} (not sent yet, retried until they expire)",
        "progress_done": "Finished {finished}",
        "states": {
            st.DONE: "done",
            st.RUNNING: "sending",
            st.ENQUEUING: "preparing",
            st.SCHEDULED: "scheduled",
            st.CANCELLED: "cancelled before it started",
            st.EXPIRED: "expired, not sent",
        },
        "progress_scheduled": "Scheduled for {at}",
        "reports_none": "No broadcasts yet.",
        "reports_title": "<b>Latest broadcasts</b>",
        "reports_line": "<code>{id}</code> · {created} · {sent}/{total} sent",
        "reports_line_unsent": "<code>{id}</code> · {at} · {state}",
        "reports_hint": "Details: /laporan ID",
        "audit_none": "No operator actions yet.",
        "audit_title": "<b>Latest operator actions</b>",
        "plan_none": "No upcoming scheduled reminders.",
        "plan_title": "<b>Scheduled reminders</b> · {rate} messages/second",
        "plan_line": "{head}\n  {at} · {roles} · {recipients} · {duration} · {finish}",
        "plan_finish": "done by {at}",
        "plan_adhoc": "🕒 <b>{name}</b> · scheduled broadcast",
        "plan_adhoc_cancel": "  Cancel before it starts: <code>/batal {id}</code>",
        "plan_not_all": "not everyone before it expires",
        "plan_late": "  ⚠️ only {reached} of {total} ({share}) before the {deadline} deadline",
        "approval": (
            "<b>Approval needed</b>\nOperator {author} wants to send the broadcast above to {recipients} ({roles})."
        ),
        "broadcast_stopped": ("{name} stopped: {dropped} not yet sent (cancelled), {sent} already sent."),
        "outage_down": (
            "⚠️ <b>Trouble</b>: {part} is failing ({error}). The bot keeps retrying; pending messages wait. "
            "If it goes on, check the server's database and network."
        ),
        "outage_up": "✅ {part} is running again after {seconds} s.",
        "alert_flood_wait": (
            "⚠️ <b>Telegram asked for a pause of {seconds} s</b> (sending limit exceeded). Broadcasts resume "
            "by themselves at {until}; no message is lost. If this happens often, lower BOT_RATE_LIMIT."
        ),
        "alert_conflict": (
            "⚠️ <b>Another bot uses the same token</b>: Telegram cut this bot's update requests because another "
            "bot runs with this token. Two bots with one token send every reminder twice. Stop one of them "
            "(check other servers, or <code>systemctl status pilkada-bot</code>)."
        ),
        "outage_parts": {"delivery engine": "Message delivery", "scheduler": "The reminder scheduler"},
        "reload_refused": (
            "⚠️ <b>Schedule not reloaded</b>: the file <code>{file}</code> has {n} problem(s); the running "
            "schedule stays.\n{lines}\nFix the file, check it with <code>python bot.py check</code>, then reload again."
        ),
        "reload_new_election": (
            "⚠️ <b>Schedule not reloaded</b>: the file <code>{file}</code> is a new election, <b>{new}</b> "
            "(voting day {day}); this bot follows <b>{old}</b>. Nothing was sent; the running schedule stays.\n"
            "To switch: stop the bot, run <code>python bot.py new-election {file}</code>, change BOT_SCHEDULE, "
            "then start the bot again (README: Next election)."
        ),
        "handler_error": (
            "⚠️ <b>Error</b> in <code>{where}</code>: {error}. The user got an apology. "
            "Details are in the bot's log; the same error is not reported again for 10 minutes."
        ),
        # areas: the /siaran area step
        "areas_prompt": (
            "<b>New broadcast</b> to: {roles}\nChoose the areas: All areas, or some kecamatan "
            "(Villages › to choose villages). Then press Next.\nSelected: {areas}"
        ),
        "draft_desa_prompt": (
            "<b>{area}</b>: the whole kecamatan, or some villages. Then press Back.\nSelected: {areas}"
        ),
        "whole_area": "All of {area}",
        "areas_line": "Areas: {areas}",
        "report_author": "by {author}",
        "no_recipients_areas": (
            "<b>No recipients</b>: there are no active subscribers with the roles {roles} in {areas} yet, so "
            "this broadcast cannot be sent. Press Cancel, or /siaran to choose again."
        ),
        # areas: figures per kecamatan
        "stats_areas": "<b>Per kecamatan</b>: active ({roles})",
        "stats_areas_coverage": "<b>Per kecamatan</b>: active ({roles}), coverage of DPT",
        "stats_no_area": "No area",
        # pledges
        "stats_pledges": "<b>Voting buttons</b>: pressed / received the reminder",
        "stats_pledge_will_vote": "Will vote",
        "stats_pledge_voted": "Have voted",
        # TPS: each voter's TPS (bot/content/tps_reports.py; only with a TPS file)
        "stats_tps": "<b>TPS</b>: active subscribers who gave their TPS number · TPS with a subscriber",
        "stats_tps_coverage": (
            "<b>TPS</b>: active subscribers who gave their TPS number · TPS with a subscriber, coverage of their DPT"
        ),
        "stats_tps_total": "Total: <b>{count}</b> · {reached}/{tps} TPS",
        "stats_tps_unreached": "<b>TPS without any subscriber</b>: {n} of {total} (good places for a poster)",
        "stats_tps_all_reached": "Every TPS has a subscriber.",
        "stats_tps_more": "… and {n} more TPS (the full list: <code>python bot.py stats</code>)",
        "stats_tps_poster": "A poster for one TPS: <code>python bot.py poster --tps {tps}</code>",
        "stats_tps_ranked": "<b>Coverage per TPS</b> (subscribers / the TPS's DPT)",
        "stats_tps_highest": "Highest:",
        "stats_tps_lowest": "Lowest (with a subscriber):",
        # sources: where subscribers came from (bot/content/source_reports.py)
        "stats_sources": "<b>Where subscribers came from</b>: active, by the first link they opened ({roles})",
        "stats_sources_plain": (
            "<b>Where subscribers came from</b>: all {total} active subscribers came with a plain /start (nobody "
            "came through a tagged link yet: invitations, the channel, posters)."
        ),
        "stats_sources_more": (
            "… and {n} more sources: <b>{count}</b> (the full table: <code>python bot.py stats</code>)"
        ),
        "stats_sources_invited": "From invitations: <b>{share}</b> of all active subscribers ({invited} of {total})",
        "stats_sources_weeks": "<b>New subscribers per week</b> by source (last {weeks} weeks, those still active)",
        "source_invite": "Invitations",
        "source_channel": "The channel",
        "source_none": "no source (plain /start)",
        "source_none_short": "no source",
        "source_other": "other",
        "reports_sources": "<i>Where active subscribers came from</i>: {parts}",
        "reports_sources_invited": "From invitations: {share} ({invited} of {total})",
        # broadcasts sent later ("Kirim nanti")
        "when": "{day} at {time} {zone}",
        "time_prompt": (
            "<b>Send later</b>\nType the date and time to send it ({zone}), for example <code>{example}</code>. "
            "Recipients are counted when the time comes."
        ),
        "time_confirm": (
            "<b>Send later</b>: {when}\nRecipients now: <b>{recipients}</b> ({roles}); counted again when the "
            "time comes, so people who subscribe before then get it too."
        ),
        "time_night_note": "🌙 That time is in the quiet hours ({start}–{end}), when reminders are not sent.",
        "night_question": (
            "🌙 <b>Send at night?</b>\n{when} is in the quiet hours ({start}–{end}): this message may wake "
            "recipients. Press «Yes, send at night» only if it must, or Change time."
        ),
        "scheduled": (
            "🕒 <b>{name}</b> scheduled: {when}.\nSee /rencana. Cancel it before it starts with the button below "
            "or <code>/batal {id}</code>."
        ),
        "scheduled_notice": (
            "🕒 <b>{name}</b> was approved by operator {who} and scheduled: {when}. Cancel it before it starts "
            "with <code>/batal {id}</code>."
        ),
        "approval_when": "Scheduled for: {when}",
        "unscheduled": "{name} cancelled before it started; nothing was sent (it was scheduled for {when}).",
        "already_started": "{name} has already started; it is not cancelled. To stop it: /batal {id}",
        "not_scheduled": "{name} is not scheduled ({state}); nothing was changed.",
        "time_format": "Time not recognised. Type a date and time, for example <code>{example}</code>.",
        "time_no_such_time": (
            "There is no such date or time: {text}. Type it again, for example <code>{example}</code>."
        ),
        "time_zone": "Type the time in {zone} (this election's time zone), without another zone.",
        "time_past": "That time has already passed (it is now {now}). Type a time to come.",
        "time_too_far": "Too far ahead: {limit} at the latest.",
    },
}


CHART_WORDS = {
    "id": {
        "title": "Statistik {region}\nper {stamp}",
        "growth": "{role}: {count} pelanggan aktif",
        "growth_empty": "Pelanggan aktif per peran",
        "bars": "Hasil siaran terakhir",
        "empty": "Belum ada data",
        "date": "Tanggal",
        "messages": "Jumlah pesan",
        # The words of /laporan's progress lines, so the legend and the text agree.
        "outcomes": {
            "sent": "Terkirim",
            "blocked": "Memblokir",
            "failed": "Gagal",
            "expired": "Kedaluwarsa",
            "cancelled": "Dibatalkan",
            "pending": "Belum terkirim",
        },
        # areas: figures per kecamatan
        "areas_coverage": "Cakupan per kecamatan (aktif / DPT)",
        "areas_count": "Pelanggan aktif per kecamatan",
        "coverage_axis": "Cakupan (% DPT)",
        "subscribers_axis": "Pelanggan aktif",
        "no_area": "tanpa wilayah: {count}",
        # sources: new subscribers per week (bot/content/source_chart.py)
        "sources": "Pelanggan baru per minggu menurut sumber",
        "sources_axis": "Minggu (mulai Senin) · per {date}",
        "sources_count": "Pelanggan baru (masih aktif)",
    },
    "en": {
        "title": "{region} statistics\nas of {stamp}",
        "growth": "{role}: {count} active subscribers",
        "growth_empty": "Active subscribers per role",
        "bars": "Latest broadcast results",
        "empty": "No data yet",
        "date": "Date",
        "messages": "Messages",
        "outcomes": {
            "sent": "Sent",
            "blocked": "Blocked",
            "failed": "Failed",
            "expired": "Expired",
            "cancelled": "Cancelled",
            "pending": "Not yet sent",
        },
        # areas: figures per kecamatan
        "areas_coverage": "Coverage per kecamatan (active / DPT)",
        "areas_count": "Active subscribers per kecamatan",
        "coverage_axis": "Coverage (% of DPT)",
        "subscribers_axis": "Active subscribers",
        "no_area": "no area: {count}",
        # sources: new subscribers per week (bot/content/source_chart.py)
        "sources": "New subscribers per week by source",
        "sources_axis": "Week (from Monday) · as of {date}",
        "sources_count": "New subscribers (still active)",
    },
}


KIND_WORDS: dict[str, tuple[str, str]] = {
    st.REMINDER: ("Pengingat", "Reminder"),
    st.ADHOC: ("Siaran", "Broadcast"),
    st.CORRECTION: ("Ralat", "Correction"),
}


# Replies and templates are one catalogue: every key once per language.
OPERATOR = {lang: {**OP_STRINGS[lang], **OP_TEMPLATES[lang]} for lang in OP_STRINGS}
