"""`python bot.py COMMAND`: the command line, one module per group of commands.

``main`` parses the command line (the settings options every command takes, and the commands in
the order `--help` lists them) and runs one command; each group module declares its commands'
options next to their code: ``running`` (run, demo, health, reload), ``schedule_commands`` (check,
preview, plan, ics, new-election), ``figures`` (stats, report, export, poster), ``broadcasts``
(broadcast, cancel) and ``data`` (purge, backup, restore); ``common`` holds what they share.

Exit codes: 0 ok, 2 bad input (one line says what), 1 anything else (a restart may cure it).
"""
