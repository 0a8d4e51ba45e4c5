"""The election's schedule file: its model, how it is read and checked, and its areas (pure).

``model`` holds the stages, reminders, facts and FAQ and reads a TOML file into them; ``areas``
the kecamatan and desa; ``problems`` condenses and words what `check` reports; ``stale`` warns of
what a file keeps from another election; ``send_time`` reads an operator's "send later" time.
Nothing here knows Telegram, the database or the network.
"""
