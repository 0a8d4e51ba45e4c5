"""The Telegram edge: the Application's wiring, the handlers people and operators talk to.

``app`` builds the python-telegram-bot Application; ``handlers`` answer subscribers;
``operators`` answer the commission's operators (/siaran, /laporan, /statistik ...);
``subscriber_areas`` and ``broadcast_areas`` are the kecamatan/desa steps; ``context`` gives
handlers the shared :class:`bot.runtime.Runtime`; ``errors`` is the one error handler.
Handlers are thin: they parse an update, call the store and the texts, and reply.
"""
