"""PostgreSQL access over TLS with a per-container connection.

pg8000 is pure Python, so the Lambda zip needs no compiled libpq and builds the same on any
host. The password is supplied by a provider: an RDS IAM auth token in production (valid
15 minutes, so a fresh one is generated for every new connection) or a Secrets Manager secret.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pg8000.native
from pg8000.exceptions import DatabaseError, InterfaceError

from smartstack_shared.database_settings import DatabaseSettings
from smartstack_shared.settings import ConfigurationError, get_secret_string

PasswordProvider = Callable[[], str]
Row = dict[str, Any]

# SQLSTATE classes that mean "cannot talk to the database right now", not "bad query".
_UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "28", "53", "57P")


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or refused the session; callers answer 503 / retry."""


def iam_token_provider(settings: DatabaseSettings, rds_client: Any) -> PasswordProvider:
    def generate() -> str:
        return rds_client.generate_db_auth_token(
            DBHostname=settings.host, Port=settings.port, DBUsername=settings.user, Region=settings.region
        )

    return generate


def secret_password_provider(secret_id: str) -> PasswordProvider:
    """Reads an RDS-style secret: a JSON object with a ``password`` key (or a bare string)."""

    def read() -> str:
        raw = get_secret_string(secret_id)
        try:
            document = json.loads(raw)
        except json.JSONDecodeError:
            return raw
        if isinstance(document, dict) and isinstance(document.get("password"), str):
            return document["password"]
        raise ConfigurationError(f"secret {secret_id} has no 'password' string")

    return read


def password_provider_for(
    settings: DatabaseSettings, rds_client_factory: Callable[[], Any]
) -> PasswordProvider:
    if settings.auth_mode == "secret":
        return secret_password_provider(settings.secret_id)
    return iam_token_provider(settings, rds_client_factory())


def ssl_context_for(settings: DatabaseSettings) -> ssl.SSLContext:
    """verify-full: the server's certificate must chain to the bundle and name the host."""
    return ssl.create_default_context(cafile=settings.ca_bundle)


def _is_unavailable(error: DatabaseError) -> bool:
    details = error.args[0] if error.args and isinstance(error.args[0], dict) else {}
    code = str(details.get("C", ""))
    return code.startswith(_UNAVAILABLE_SQLSTATE_PREFIXES)


class Database:
    """Lazily connects, keeps the connection for later invocations, reconnects once if it broke."""

    def __init__(
        self,
        settings: DatabaseSettings,
        password_provider: PasswordProvider,
        connect: Callable[..., pg8000.native.Connection] = pg8000.native.Connection,
    ) -> None:
        self._settings = settings
        self._password_provider = password_provider
        self._connect = connect
        self._connection: pg8000.native.Connection | None = None
        self._in_transaction = False

    def _open(self) -> pg8000.native.Connection:
        settings = self._settings
        try:
            return self._connect(
                user=settings.user,
                password=self._password_provider(),
                host=settings.host,
                port=settings.port,
                database=settings.name,
                ssl_context=ssl_context_for(settings),
                timeout=settings.connect_timeout_seconds,
                application_name="smartstack",
            )
        except (InterfaceError, OSError) as exc:
            raise DatabaseUnavailable(f"cannot connect to database: {exc}") from exc
        except DatabaseError as exc:
            raise DatabaseUnavailable(f"database refused the connection: {exc}") from exc

    def _live_connection(self) -> pg8000.native.Connection:
        if self._connection is None:
            self._connection = self._open()
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            # A broken socket has nothing left to release.
            with suppress(InterfaceError, OSError):
                self._connection.close()
            self._connection = None

    def _execute(self, sql: str, params: dict[str, Any]) -> list[Row]:
        connection = self._live_connection()
        rows = connection.run(sql, **params)
        if not rows:
            return []
        names = [column["name"] for column in connection.columns]
        return [dict(zip(names, row, strict=True)) for row in rows]

    def query(self, sql: str, **params: Any) -> list[Row]:
        """Runs one statement; retries once on a broken connection when not inside a transaction."""
        try:
            return self._execute(sql, params)
        except (InterfaceError, OSError) as exc:
            self.close()
            if self._in_transaction:
                raise DatabaseUnavailable(f"database connection lost: {exc}") from exc
            try:
                return self._execute(sql, params)
            except (InterfaceError, OSError) as retry_exc:
                self.close()
                raise DatabaseUnavailable(f"database connection lost: {retry_exc}") from retry_exc
        except DatabaseError as exc:
            if _is_unavailable(exc):
                self.close()
                raise DatabaseUnavailable(f"database unavailable: {exc}") from exc
            raise

    def query_one(self, sql: str, **params: Any) -> Row | None:
        rows = self.query(sql, **params)
        return rows[0] if rows else None

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        self.query("START TRANSACTION")
        self._in_transaction = True
        try:
            yield self
        except BaseException:
            self._in_transaction = False
            if self._connection is not None:
                try:
                    self._connection.run("ROLLBACK")
                except (InterfaceError, OSError, DatabaseError):
                    self.close()
            raise
        self._in_transaction = False
        self.query("COMMIT")
