"""What the bot adds to its posts in the commission's channel (a string catalogue: data only).

The channel's copy of a reminder is the Indonesian text; people there cannot send commands, so each
command is followed by where to send it. Read through :func:`bot.content.catalogue.say`.
"""

CHANNEL = {
    "id": {
        "command_at_bot": "{command} di @{username}",
    },
}
