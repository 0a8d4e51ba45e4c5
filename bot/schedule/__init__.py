"""The election's schedule file: its model, how it is read and checked, and its areas (pure).

``model`` holds the stages, reminders, facts and FAQ; ``loading`` reads a TOML file into them;
``validation`` checks it section by section, with one reader per kind of field (``fields``), the
reminders (``reminder_checks``) and every text rendered as readers will see it (``reply_checks``);
``areas`` the kecamatan and desa; ``problems`` condenses and words what `check` reports; ``stale``
warns of what a file keeps from another election; ``send_time`` reads an operator's "send later" time.
Nothing here knows Telegram, the database or the network.
"""
