"""A throwaway PostgreSQL server (Debian's binaries) with TLS and password auth: the suite's database, and
the database `make up` puts behind the emulated RDS instance (whose endpoint is not a database)."""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SUPERUSER = "local_superuser"  # not the RDS master user's name: make up provisions that one
APP_USER = "smartstack_app"
DATABASE = "smartstack"


def find_pg_bin() -> Path:
    """initdb/pg_ctl on PATH, else the newest /usr/lib/postgresql/<version>/bin."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3].split(".")[0])
    )
    if not candidates:
        raise RuntimeError(
            "PostgreSQL server binaries not found on PATH or in /usr/lib/postgresql/*/bin; "
            "install them with `apt-get install -y postgresql`"
        )
    return Path(candidates[-1]).parent


def admin_identifier(name: str) -> str:
    """A role or database name as DDL takes it; refuses anything that is not a plain identifier."""
    if not name.replace("_", "").isalnum() or not name[:1].isalpha():
        raise ValueError(f"{name!r} is not a plain identifier")
    return name


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_account() -> pwd.struct_passwd | None:
    """postgres refuses to run as root: use an unprivileged account when we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root but neither a 'postgres' nor a 'nobody' account exists")


@dataclass
class PostgresServer:
    root: Path
    port: int
    superuser_password: str
    app_password: str
    ca_file: Path
    bin_dir: Path
    account: pwd.struct_passwd | None

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if self.account is not None:
            command = ["runuser", "-u", self.account.pw_name, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    @classmethod
    def start(cls) -> PostgresServer:
        account = _server_account()
        root = Path(tempfile.mkdtemp(prefix="smartstack-pg-"))
        root.chmod(0o755)  # the server account must reach its data dir inside our temp dir
        server = cls(
            root=root,
            port=free_port(),
            superuser_password=os.urandom(12).hex(),
            app_password=os.urandom(12).hex(),
            ca_file=root / "server.crt",
            bin_dir=find_pg_bin(),
            account=account,
        )
        server._init_cluster()
        server._run(
            str(server.bin_dir / "pg_ctl"), "-D", str(server.data_dir),
            "-l", str(root / "run" / "server.log"), "-w", "-t", "60", "start",
        )  # fmt: skip
        return server

    def _init_cluster(self) -> None:
        root = self.root
        pwfile = root / "pwfile"
        pwfile.write_text(self.superuser_password + "\n")
        # Self-signed certificate for 127.0.0.1, so tests exercise the verify-full TLS path.
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(root / "server.key"), "-out", str(self.ca_file)],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        (root / "server.key").chmod(0o600)
        (root / "run").mkdir()  # sockets and the server log, owned by the server account
        if self.account is not None:
            for path in (pwfile, root / "server.key", root / "run"):
                os.chown(path, self.account.pw_uid, self.account.pw_gid)
            root_data = self.data_dir
            root_data.mkdir()
            os.chown(root_data, self.account.pw_uid, self.account.pw_gid)
        self._run(
            str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", SUPERUSER, "--pwfile", str(pwfile),
            "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                f"unix_socket_directories = '{root / 'run'}'\n"
                f"ssl = on\nssl_cert_file = '{self.ca_file}'\nssl_key_file = '{root / 'server.key'}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            )
        # TLS only: plain TCP connections are rejected, like RDS with rds.force_ssl=1.
        (self.data_dir / "pg_hba.conf").write_text(
            "local all all scram-sha-256\n"
            "hostssl all all 127.0.0.1/32 scram-sha-256\n"
            "hostnossl all all 127.0.0.1/32 reject\n"
        )

    def save(self, path: Path) -> None:
        """Record the running server, so a later process (make smoke, make down) finds it."""
        record = {**asdict(self), "account": self.account.pw_name if self.account else None}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(record, default=str))
        path.chmod(0o600)  # it holds the superuser's password

    @classmethod
    def load(cls, path: Path) -> PostgresServer | None:
        """The server recorded at ``path`` if it still runs, else None."""
        try:
            record = json.loads(path.read_text())
        except (OSError, ValueError):
            return None
        account = pwd.getpwnam(record["account"]) if record.get("account") else None
        server = cls(**{**record, "account": account,
                        **{k: Path(record[k]) for k in ("root", "ca_file", "bin_dir")}})  # fmt: skip
        return server if server.running() else None

    def running(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=2):
                return (self.data_dir / "postmaster.pid").exists()
        except OSError:
            return False

    def admin_connection(self, database: str = "postgres") -> Any:
        import pg8000.native

        return pg8000.native.Connection(
            user=SUPERUSER, password=self.superuser_password, host="127.0.0.1", port=self.port,
            database=database, ssl_context=ssl.create_default_context(cafile=str(self.ca_file)),
        )  # fmt: skip

    def provision_owner(self, owner: str, password: str, database: str) -> None:
        """Idempotently, as RDS hands an instance over: ``owner`` (the master user, CREATEROLE like
        rds_superuser) logs in with ``password`` and owns ``database``; rds_iam is RDS's IAM-login role."""
        admin = self.admin_connection()
        try:
            exists = admin.run("SELECT 1 FROM pg_roles WHERE rolname = :name", name=owner)
            verb = "ALTER" if exists else "CREATE"
            quoted = password.replace("'", "''")  # DDL takes no bind parameters
            admin.run(f"{verb} ROLE {admin_identifier(owner)} LOGIN CREATEROLE PASSWORD '{quoted}'")
            if not admin.run("SELECT 1 FROM pg_roles WHERE rolname = 'rds_iam'"):
                admin.run("CREATE ROLE rds_iam NOLOGIN")
            admin.run(f"GRANT rds_iam TO {admin_identifier(owner)} WITH ADMIN OPTION")
            if not admin.run("SELECT 1 FROM pg_database WHERE datname = :name", name=database):
                admin.run(f"CREATE DATABASE {admin_identifier(database)} OWNER {admin_identifier(owner)}")
        finally:
            admin.close()

    def provision_like_rds(self) -> None:
        """Set the cluster up as RDS hands it over: a master user owning the app database.

        APP_USER stands in for the RDS master user: it owns the database, runs the migrations and creates
        the functions' roles (CREATEROLE, like rds_superuser); rds_iam is RDS's IAM-login role.
        """
        self.provision_owner(APP_USER, self.app_password, DATABASE)

    def stop(self) -> None:
        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self) -> str:
        log = self.root / "run" / "server.log"
        return log.read_text(errors="replace")[-4000:] if log.exists() else ""
