"""Re-export shim: real test databases live in ``tests.support.databases``. Import from there."""

from tests.support.databases import POSTGRES_ADMIN_DSN, migrate, postgres_database, sqlite_url

__all__ = ["POSTGRES_ADMIN_DSN", "migrate", "postgres_database", "sqlite_url"]
