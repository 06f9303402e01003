"""The web app and one turn: HTTP in, the Bot Framework adapter, the Teams activity handler."""
