"""What the bot keeps about people, said the same way everywhere (pure data, Telegram HTML).

The welcome, /privasi, the printed posters (bot/ops/poster.py) and the FAQ answer on personal data all
use these texts: the FAQ through the placeholders of ``FACTS`` ("{stored}"), which every schedule
file has, so none of them can drift from the others.
"""

from __future__ import annotations

# What the bot stores about a subscriber.
STORED = {
    "id": "ID chat, peran, bahasa, kecamatan/desa dan TPS (bila dipilih), tanggal bergabung, asal tautan "
    'pertama (poster, kanal, atau undangan; tanpa nama), catatan pesan yang dikirim, dan tombol "Saya akan/sudah '
    'memilih"',
    "en": "your chat id, role, language, kecamatan/desa and TPS (if chosen), join date, the source of your "
    'first link (poster, channel or invitation; no names), messages sent and "I will/have voted" presses',
}
# Free-text questions the FAQ cannot answer (bot/store/questions.py, KEEP_DAYS).
UNANSWERED_KEPT = {
    "id": "Pertanyaan yang belum dapat dijawab bot disimpan 30 hari <b>tanpa</b> ID chat, agar KPU dapat "
    "melengkapi jawabannya.",
    "en": "Questions the bot could not answer are kept for 30 days <b>without</b> any chat id, so that the "
    "commission can add answers.",
}
# The same list, short: what /hapus deletes (its question and its confirmation).
FORGOTTEN = {
    "id": "ID chat, peran, bahasa, wilayah dan TPS, asal tautan, catatan pengiriman, dan tombol memilih",
    "en": "chat id, role, language, area and TPS, link source, delivery records and voting buttons pressed",
}
NOT_STORED = {
    "id": "Kami <b>tidak</b> menyimpan NIK, nomor telepon, alamat, atau nama.",
    "en": "We do <b>not</b> store national id numbers (NIK), phone numbers, addresses or names.",
}
# /hapus empties the database at once; the daily backups (README "Backup and restore") keep a copy
# until they are rotated out.
DELETING = {
    "id": "/berhenti menghentikan pesan; /hapus menghapus semua data Anda dari bot seketika. Salinan cadangan "
    "(<i>backup</i>) harian masih memuatnya sampai salinan itu terhapus bergiliran.",
    "en": "/berhenti stops the messages; /hapus deletes all your data from the bot at once. The daily backup "
    "copies still hold it until they are rotated out.",
}

# Placeholders every schedule text may use ("{stored}"), in both languages.
FACTS = {
    "stored": STORED,
    "not_stored": NOT_STORED,
    "questions_kept": UNANSWERED_KEPT,
    "deleting": DELETING,
}
