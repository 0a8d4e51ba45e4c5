"""What the commission's operators run from the shell, and the service around the running bot.

``cli`` is `bot.py`'s commands; ``service`` runs the bot until it is told to stop; ``reload`` swaps
the schedule file in a running bot; ``elections`` switches to the next election; ``backup``,
``export``, ``poster``, ``preflight``, ``demo``, ``files``, ``lock`` and ``systemd`` are the tools
those commands use.
"""
