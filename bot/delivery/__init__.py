"""Getting messages out: the scheduler's jobs, the outbox engine, the pacer and the HTTP sender.

``scheduler`` turns the schedule's reminders into broadcasts in the outbox (bot/store/) at their
time; ``engine`` sends the outbox's copies with retries and records each outcome; ``pacer`` shares
Telegram's rate between replies and broadcasts; ``sender`` is the HTTP client broadcasts use;
``plan`` predicts when each broadcast finishes; ``health`` follows outages and writes the heartbeat;
``channel`` finds the commission's channel.
"""
