"""The bot's dialog state, kept in our database."""
