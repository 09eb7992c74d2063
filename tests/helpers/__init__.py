"""Test helpers shared by the core and UI tests: fakes and small utilities."""
