"""Fixtures for the publishing tests.

Mastodon: a real mastodon-mock server and a fault proxy in front of it (see
tests/publishing/mastodon_peer.py). Other platforms' fixtures may be added here too.
"""

from tests.publishing.mastodon_peer import (
    mastodon_peer,
    mastodon_peer_process,
    mastodon_proxy,
    mastodon_proxy_server,
    mastodon_user,
)

# Imported so pytest finds them for every test module in this folder.
__all__ = [
    "mastodon_peer",
    "mastodon_peer_process",
    "mastodon_proxy",
    "mastodon_proxy_server",
    "mastodon_user",
]
