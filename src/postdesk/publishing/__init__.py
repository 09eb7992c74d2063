"""Publishing approved posts to the organisation's accounts (Qt-free)."""
