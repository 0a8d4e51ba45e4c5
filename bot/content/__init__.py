"""What people read: the string catalogues, dates and numbers, Telegram HTML, pages, buttons, figures.

Pure: plain data in, text (or PNG, or an .ics file) out; nothing here sends, schedules or opens a
database. ``texts`` holds what the bot says; ``render`` formats dates and fills a schedule file's
templates; ``telegram_html`` and ``pages`` keep every reply within what Telegram accepts;
``button_data`` packs and reads the data behind inline buttons; ``reports`` and ``charts`` turn
figures into what operators see.
"""
