"""Storage: SQLAlchemy Core tables, repositories and Alembic migrations (Qt-free)."""
