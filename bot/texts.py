"""Everything the bot says to people, rendered from plain data (Telegram HTML, Indonesian).

No Telegram objects here: functions take the schedule, dates and roles and return strings, so
they are tested without a network. Election facts live in the schedule file, not here.
"""

from __future__ import annotations

from datetime import date
from html import escape

from bot.schedule import Schedule, Stage

DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip

ROLE_NAMES = {
    "asn": "ASN (Aparatur Sipil Negara)",
    "kades": "Kepala Desa & Perangkat Desa",
    "pemilih": "Pemilih",
}
ROLE_BUTTONS = {"asn": "ASN", "kades": "Kepala Desa & Perangkat Desa", "pemilih": "Pemilih"}

DONE, CURRENT, UPCOMING = "done", "current", "upcoming"
MARKS = {DONE: "✅", CURRENT: "▶️", UPCOMING: "🗓"}


def long_date(d: date) -> str:
    """'Rabu, 27 November 2024'."""
    return f"{DAYS[d.weekday()]}, {d.day} {MONTHS[d.month - 1]} {d.year}"


def date_range(start: date, end: date) -> str:
    """One day in long form, or 'Rabu, 25 September – Sabtu, 23 November 2024'."""
    if start == end:
        return long_date(start)
    if start.year == end.year:
        return f"{DAYS[start.weekday()]}, {start.day} {MONTHS[start.month - 1]} – {long_date(end)}"
    return f"{long_date(start)} – {long_date(end)}"


def stage_state(stage: Stage, today: date) -> str:
    if today > stage.end:
        return DONE
    if today >= stage.start:
        return CURRENT
    return UPCOMING


def next_stage(schedule: Schedule, today: date) -> Stage | None:
    """The first stage that starts after today."""
    upcoming = [s for s in schedule.stages if s.start > today]
    return min(upcoming, key=lambda s: s.start) if upcoming else None


def countdown(stage: Stage, today: date) -> str:
    """'H-5' for a stage five days away, 'besok' style counting as Indonesian officials do."""
    return f"H-{(stage.start - today).days}"


def next_stage_line(schedule: Schedule, today: date) -> str:
    stage = next_stage(schedule, today)
    if stage is None:
        if all(stage_state(s, today) == DONE for s in schedule.stages):
            return "Semua tahapan telah selesai. Terima kasih atas partisipasi Anda."
        return "Tidak ada tahapan baru yang akan dimulai."
    return (
        f"Tahapan berikutnya: <b>{escape(stage.name)}</b>, {long_date(stage.start)} "
        f"({countdown(stage, today)})."
    )


def schedule_text(schedule: Schedule, today: date) -> str:
    """The /jadwal answer: every stage, its dates and state, and a countdown to the next."""
    e = schedule.election
    lines = [f"<b>Jadwal {escape(e.name)}</b>", f"{escape(e.region)} · hari ini {long_date(today)}", ""]
    following = next_stage(schedule, today)
    for stage in sorted(schedule.stages, key=lambda s: (s.start, s.end)):
        state = stage_state(stage, today)
        note = {DONE: "selesai", CURRENT: "sedang berlangsung", UPCOMING: "akan datang"}[state]
        if following is not None and stage.id == following.id:
            note += f", {countdown(stage, today)}"
        lines.append(f"{MARKS[state]} <b>{escape(stage.name)}</b>")
        lines.append(f"    {date_range(stage.start, stage.end)} ({note})")
    lines += ["", next_stage_line(schedule, today), "✅ selesai · ▶️ berlangsung · 🗓 akan datang"]
    return "\n".join(lines)


def welcome_text(schedule: Schedule) -> str:
    e = schedule.election
    return (
        f"Selamat datang di layanan pengingat <b>{escape(e.name)}</b> {escape(e.region)}.\n\n"
        "Bot ini mengirim jadwal tahapan, aturan netralitas, dan pengingat hari pemungutan suara. "
        "Kami hanya menyimpan ID chat, peran, dan tanggal berlangganan Anda.\n\n"
        "Silakan pilih peran Anda:"
    )


def already_subscribed_text(role: str) -> str:
    return (
        f"Anda sudah berlangganan sebagai <b>{escape(ROLE_NAMES[role])}</b>.\n"
        "Ingin mengganti peran? Pilih di bawah ini."
    )


def choose_role_text() -> str:
    return "Pilih peran Anda:"


def subscribed_text(role: str, schedule: Schedule, today: date) -> str:
    return (
        f"Terima kasih. Anda terdaftar sebagai <b>{escape(ROLE_NAMES[role])}</b>.\n"
        "Anda akan menerima pengingat sesuai peran Anda.\n\n"
        f"{next_stage_line(schedule, today)}\n\n"
        "Ketik /jadwal untuk semua tahapan, /bantuan untuk daftar perintah."
    )


def page_text(schedule: Schedule, key: str) -> str:
    text = schedule.pages.get(key)
    return text if text else "Informasi ini belum tersedia. Ketik /jadwal untuk jadwal tahapan."


def netralitas_key(role: str | None) -> str:
    return f"netralitas_{role or 'pemilih'}"


NOT_SUBSCRIBED_HINT = "\n\n<i>Anda belum berlangganan. Ketik /start untuk memilih peran.</i>"

STOPPED = (
    "Anda berhenti berlangganan. Bot tidak akan mengirim pesan lagi.\n"
    "Ketik /start kapan saja untuk berlangganan kembali, atau /hapus untuk menghapus data Anda."
)
NOT_A_SUBSCRIBER = "Anda belum berlangganan. Ketik /start untuk memilih peran."
DELETED = (
    "Semua data Anda (ID chat, peran, dan catatan pengiriman) telah dihapus.\n"
    "Ketik /start jika ingin berlangganan lagi."
)
UNKNOWN_COMMAND = "Perintah tidak dikenal. Ketik /bantuan untuk daftar perintah."
FREE_TEXT = "Maaf, bot ini tidak membaca pesan bebas. Ketik /bantuan untuk daftar perintah."
STALE_BUTTON = "Tombol ini sudah tidak berlaku. Ketik /start untuk memulai lagi."
ERROR = "Maaf, terjadi kesalahan. Silakan coba lagi sebentar lagi."

COMMANDS = (
    ("start", "Mulai dan pilih peran"),
    ("jadwal", "Jadwal tahapan pemilihan"),
    ("tps", "Panduan hari pemungutan suara"),
    ("netralitas", "Aturan netralitas sesuai peran"),
    ("peran", "Ganti peran"),
    ("berhenti", "Berhenti menerima pesan"),
    ("hapus", "Hapus semua data Anda"),
    ("bantuan", "Daftar perintah"),
)


def help_text() -> str:
    lines = ["<b>Daftar perintah</b>"]
    lines += [f"/{name} – {description}" for name, description in COMMANDS]
    lines.append("/stop sama dengan /berhenti, /help sama dengan /bantuan.")
    return "\n".join(lines)


# -- Operators (commission staff; only the ids in BOT_ADMIN_IDS see these) ---------------------

ROLE_SHORT = {"asn": "ASN", "kades": "Kepala Desa", "pemilih": "Pemilih"}
OPERATOR_COMMANDS = (
    ("statistik", "Statistik pelanggan dan grafik"),
    ("siaran", "Kirim siaran mendadak"),
    ("batal", "Batalkan siaran yang sedang berjalan"),
    ("rencana", "Pengingat terjadwal berikutnya"),
    ("laporan", "Laporan pengiriman"),
    ("audit", "Jejak tindakan operator"),
)


def num(n: int) -> str:
    """1.234.567, as Indonesians write thousands."""
    return f"{n:,}".replace(",", ".")


def roles_text(roles) -> str:
    return ", ".join(ROLE_SHORT.get(r, r) for r in roles) or "belum dipilih"


def clock(ts: float | None, tz) -> str:
    if not ts:
        return "-"
    from datetime import datetime

    return datetime.fromtimestamp(ts, tz).strftime("%d-%m-%Y %H.%M")


def stats_text(s: dict, region: str) -> str:
    lines = [f"<b>Statistik pelanggan</b> · {escape(region)}", ""]
    for role, n in s["active"].items():
        lines.append(f"{ROLE_SHORT.get(role, role)}: <b>{num(n)}</b>")
    lines += [
        f"Total aktif: <b>{num(s['total_active'])}</b>",
        f"Berhenti: {num(s['stopped'])} · Memblokir/hilang: {num(s['blocked'])}",
        f"Baru hari ini: {num(s['new_today'])} · 14 hari terakhir: {num(s['new_days'])}",
    ]
    return "\n".join(lines)


def draft_roles_prompt(roles) -> str:
    return f"<b>Siaran baru</b>\nPilih peran penerima (minimal satu), lalu tekan Lanjut.\nDipilih: {roles_text(roles)}"


def draft_text_prompt(roles) -> str:
    return (
        f"<b>Siaran baru</b> untuk: {roles_text(roles)}\n"
        "Sekarang kirim teks pesannya. Format HTML Telegram boleh: &lt;b&gt;, &lt;i&gt;, &lt;a href&gt;."
    )


def draft_refused(reason: str) -> str:
    return f"Teks ditolak: {escape(reason)}\nKirim teks yang sudah diperbaiki, atau /siaran untuk mulai lagi."


def durasi(seconds: float) -> str:
    """'8 jam 1 menit', '14 menit', '40 detik', 'kurang dari 1 detik'."""
    seconds = round(seconds)
    if seconds < 1:
        return "kurang dari 1 detik"
    if seconds < 60:
        return f"{seconds} detik"
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours} jam {minutes} menit" if hours else f"{minutes} menit"


def preview_summary(roles, recipients: int, seconds: float, rate: float, approvals: int) -> str:
    lines = [
        "<b>Pratinjau</b>: pesan di atas persis seperti yang akan diterima.",
        f"Penerima: <b>{num(recipients)}</b> ({roles_text(roles)})",
        f"Perkiraan durasi: {durasi(seconds)} pada {rate:g} pesan/detik.",
    ]
    if approvals > 1:
        lines.append("Perlu persetujuan satu operator lain sebelum dikirim.")
    return "\n".join(lines)


def progress_text(f: dict, tz) -> str:
    state = {"done": "selesai", "sending": "sedang dikirim", "enqueuing": "menyiapkan"}.get(f["status"], f["status"])
    lines = [
        f"<b>Siaran {escape(f['id'])}</b> · {state}",
        f"Terkirim {num(f['sent'])} dari {num(f['total'])} ({f['percent']:.0f}%)",
        f"Memblokir {num(f['blocked'])} · gagal {num(f['failed'])} · kedaluwarsa {num(f['expired'])} · "
        f"dibatalkan {num(f['cancelled'])}",
    ]
    if f["status"] != "done":
        lines.append(f"Laju {f['rate']:.1f} pesan/detik · perkiraan selesai {clock(f['eta'], tz)}")
    else:
        lines.append(f"Selesai {clock(f['finished_at'], tz)}")
    return "\n".join(lines)


def report_list_text(items: list[dict], tz) -> str:
    if not items:
        return "Belum ada siaran."
    lines = ["<b>10 siaran terakhir</b>"]
    for f in items:
        lines.append(
            f"<code>{escape(f['id'])}</code> · {clock(f['created_at'], tz)} · "
            f"{num(f['sent'])}/{num(f['total'])} terkirim"
        )
    lines.append("Rincian: /laporan ID")
    return "\n".join(lines)


def audit_text(rows: list[dict], tz) -> str:
    if not rows:
        return "Belum ada tindakan operator."
    lines = ["<b>Tindakan operator terakhir</b>"]
    for r in rows:
        subject = f" {escape(r['subject'])}" if r["subject"] else ""
        detail = f" ({escape(r['detail'])})" if r["detail"] else ""
        lines.append(f"{clock(r['at'], tz)} · {escape(r['actor'])} · {escape(r['action'])}{subject}{detail}")
    return "\n".join(lines)


def plan_text(rows, rate: float, tz) -> str:
    """/rencana: the same numbers as `python bot.py plan`, in Indonesian."""
    if not rows:
        return "Tidak ada pengingat terjadwal yang akan datang."
    lines = [f"<b>Pengingat terjadwal</b> · {rate:g} pesan/detik", ""]
    for row in rows:
        r = row.reminder
        finish = row.finish.astimezone(tz).strftime("%d-%m %H.%M") if row.finish else "tidak semua"
        lines.append(
            f"<code>{escape(r.id)}</code>\n  {r.at:%d-%m-%Y %H.%M} · {roles_text(r.roles)} · "
            f"{num(row.recipients)} penerima · {durasi(row.duration)} · selesai {finish}"
        )
        if row.late:
            lines.append(
                f"  ⚠️ hanya {num(row.by_deadline)} dari {num(row.recipients)} "
                f"({100 * row.by_deadline / row.recipients:.1f}%) sebelum batas {r.deliver_by:%H.%M}"
            )
    return "\n".join(lines)


OP_NOT_AUTHOR = "Hanya pembuat siaran ini yang dapat menekan tombol ini."
OP_NOT_OPERATOR = "Hanya operator yang dapat melakukan ini."
OP_SELF_APPROVAL = "Anda tidak dapat menyetujui siaran Anda sendiri. Minta operator lain."
OP_PICK_ROLE = "Pilih minimal satu peran."
OP_DRAFT_STATE = {
    "choosing": "Siaran ini masih memilih peran.",
    "writing": "Siaran ini masih menunggu teks.",
    "preview": "Siaran ini belum dikirim.",
    "awaiting_approval": "Siaran ini sedang menunggu persetujuan.",
    "sent": "Siaran ini sudah dikirim; tidak dikirim dua kali.",
    "cancelled": "Siaran ini sudah dibatalkan.",
}
OP_CANCELLED = "Siaran dibatalkan. Tidak ada yang dikirim."
OP_NOTHING_TO_CANCEL = "Tidak ada siaran mendadak yang sedang berjalan."
OP_AWAITING = "Menunggu persetujuan operator lain. Mereka sudah diberi tahu."
OP_NO_SUCH_REPORT = "Tidak ada siaran dengan ID itu. Ketik /laporan untuk daftar."


def approval_request(author: int, roles, recipients: int) -> str:
    return (
        f"<b>Persetujuan diperlukan</b>\nOperator {author} ingin mengirim siaran di atas ke "
        f"{num(recipients)} penerima ({roles_text(roles)})."
    )


def cancelled_broadcast(broadcast_id: str, dropped: int, sent: int) -> str:
    return (
        f"Siaran <code>{escape(broadcast_id)}</code> dihentikan: {num(dropped)} salinan yang belum terkirim "
        f"dibatalkan; {num(sent)} sudah terkirim."
    )
