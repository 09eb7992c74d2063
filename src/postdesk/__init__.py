"""PostDesk: draft, check, review and publish public-sector social media posts."""

__version__ = "0.1.0"
APP_NAME = "PostDesk"
# One reverse-DNS id everywhere: .desktop file, AppStream id, icon name, setDesktopFileName.
APP_ID = "org.postdesk.PostDesk"
