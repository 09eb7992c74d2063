"""Alembic migrations, shipped as package data so installed and bundled apps can migrate."""
