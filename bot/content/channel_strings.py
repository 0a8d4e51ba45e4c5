"""What the bot adds to its posts in the commission's channel (a string catalogue: data only).

The channel's copy of a reminder is the Indonesian text; people there cannot send commands, so each
command is followed by where to send it, as a link that tells the bot the person came from the channel.
Read through :func:`bot.content.catalogue.say`.
"""

CHANNEL = {
    "id": {
        # The link opens the bot with the source tag "kanal" (bot/content/deep_links.py): /statistik counts
        # the subscribers the channel brings. It shows as the plain @name.
        "command_at_bot": '{command} di <a href="https://t.me/{username}?start=_kanal">@{username}</a>',
    },
}
