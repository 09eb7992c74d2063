"""The Qt-free analysis engine: counting, readability, plain English and grammar."""
