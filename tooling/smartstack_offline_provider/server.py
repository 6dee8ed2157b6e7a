"""The offline stand-in for hashicorp/aws: a tfplugin6 gRPC server speaking go-plugin.

Terraform starts this executable, reads one handshake line from stdout and talks gRPC over a Unix
socket, with mutual TLS when it asks for it (``PLUGIN_CLIENT_CERT``). The provider schema comes
from the cache built by :mod:`schema_cache`; nothing is extracted at start-up.

What it does: serves the schema (so Terraform itself validates every configuration), plans creates
(computed values unknown), answers data sources with type-correct values, and checks the account
guard like the real provider. What it refuses: apply and import — an offline plan creates nothing.
"""

from __future__ import annotations

import base64
import datetime
import json
import os
import signal
import sys
import tempfile
import threading
from concurrent import futures
from pathlib import Path
from typing import Any

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from tf.gen import grpc_controller_pb2 as controller_pb
from tf.gen import grpc_controller_pb2_grpc as controller_rpc
from tf.gen import grpc_stdio_pb2_grpc as stdio_rpc
from tf.gen import tfplugin_pb2 as pb
from tf.gen import tfplugin_pb2_grpc as rpc

from . import values
from .handshake import MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, OFFLINE_ACCOUNT_ENV
from .schema_cache import CacheFiles
from .used_types import used_type_names

APPLY_REFUSED = (
    "This is SmartStack's offline stand-in for hashicorp/aws (test infrastructure). Offline plans "
    "create nothing: apply, import and refresh against AWS need the real provider and credentials. "
    "See README.md, 'Planning and applying for real'."
)


def _schema_for(full: pb.GetProviderSchema.Response, names: set[str] | None) -> pb.GetProviderSchema.Response:
    """The schema restricted to the types the configuration names (see :mod:`used_types`)."""
    if names is None:
        return full
    subset = pb.GetProviderSchema.Response()
    subset.CopyFrom(full)
    for schemas in (subset.resource_schemas, subset.data_source_schemas):
        for name in [name for name in schemas if name not in names]:
            del schemas[name]
    return subset


def _error(summary: str, detail: str = "") -> pb.Diagnostic:
    return pb.Diagnostic(severity=pb.Diagnostic.ERROR, summary=summary, detail=detail)


class OfflineAwsProvider(rpc.ProviderServicer):
    def __init__(self, files: CacheFiles) -> None:
        self._files = files
        self._schema_response: pb.GetProviderSchema.Response | None = None
        self._schema: dict[str, Any] | None = None
        self._lock = threading.Lock()
        self.settings = values.ProviderSettings()
        self.stopped = threading.Event()

    # ---- schema --------------------------------------------------------------------------------
    def _schema_json(self) -> dict[str, Any]:
        with self._lock:
            if self._schema is None:
                self._schema = json.loads(self._files.schema_json.read_bytes())
            return self._schema

    def GetMetadata(self, request, context):
        return pb.GetMetadata.Response(
            server_capabilities=pb.ServerCapabilities(plan_destroy=True, get_provider_schema_optional=True)
        )

    def GetProviderSchema(self, request, context):
        with self._lock:
            if self._schema_response is None:
                self._schema_response = _schema_for(
                    pb.GetProviderSchema.Response.FromString(self._files.schema_pb.read_bytes()),
                    used_type_names(),
                )
            return self._schema_response

    # ---- provider ------------------------------------------------------------------------------
    def ValidateProviderConfig(self, request, context):
        return pb.ValidateProviderConfig.Response()

    def ConfigureProvider(self, request, context):
        config = values.decode(request.config.msgpack) or {}
        diagnostics = []
        region = config.get("region") or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        if not region or values.is_unknown(region):
            diagnostics.append(
                _error(
                    "Missing region",
                    "The offline stand-in, like the real provider, needs a region: set `region` in the "
                    "provider block or AWS_REGION.",
                )
            )
            return pb.ConfigureProvider.Response(diagnostics=diagnostics)
        allowed = sorted(config.get("allowed_account_ids") or [])
        forbidden = set(config.get("forbidden_account_ids") or [])
        # Offline there is no caller: the guard is exercised with the account the test asks for,
        # else the first allowed account (the one the environment was written for).
        account = os.environ.get(OFFLINE_ACCOUNT_ENV) or (allowed[0] if allowed else "123456789012")
        if allowed and account not in allowed:
            diagnostics.append(
                _error(
                    f"AWS account ID not allowed: {account}", f"allowed_account_ids is {', '.join(allowed)}."
                )
            )
        if account in forbidden:
            diagnostics.append(
                _error(
                    f"AWS account ID not allowed: {account}",
                    "The account is listed in forbidden_account_ids.",
                )
            )
        default_tags: dict[str, str] = {}
        for block in config.get("default_tags") or []:
            default_tags.update(block.get("tags") or {})
        self.settings = values.ProviderSettings(region=region, account_id=account, default_tags=default_tags)
        return pb.ConfigureProvider.Response(diagnostics=diagnostics)

    # ---- resources -----------------------------------------------------------------------------
    def ValidateResourceConfig(self, request, context):
        return pb.ValidateResourceConfig.Response()

    def ValidateDataResourceConfig(self, request, context):
        return pb.ValidateDataResourceConfig.Response()

    def UpgradeResourceState(self, request, context):
        # State written by this stand-in (or refreshed from it) is already in its only version.
        return pb.UpgradeResourceState.Response(
            upgraded_state=pb.DynamicValue(json=request.raw_state.json or b"null")
        )

    def ReadResource(self, request, context):
        return pb.ReadResource.Response(new_state=request.current_state, private=request.private)

    def PlanResourceChange(self, request, context):
        prior = values.decode(request.prior_state.msgpack)
        proposed = values.decode(request.proposed_new_state.msgpack)
        if proposed is None or prior is not None:
            # Destroy, or update of an object Terraform already holds: the proposal is the plan.
            return pb.PlanResourceChange.Response(planned_state=request.proposed_new_state)
        block = self._schema_json()["resource_schemas"][request.type_name]["block"]
        planned = values.plan_block(block, proposed, self.settings, top=True)
        return pb.PlanResourceChange.Response(planned_state=pb.DynamicValue(msgpack=values.encode(planned)))

    def ApplyResourceChange(self, request, context):
        return pb.ApplyResourceChange.Response(
            diagnostics=[_error(f"Offline stand-in refuses to apply {request.type_name}", APPLY_REFUSED)]
        )

    def ImportResourceState(self, request, context):
        return pb.ImportResourceState.Response(
            diagnostics=[_error(f"Offline stand-in cannot import {request.type_name}", APPLY_REFUSED)]
        )

    def MoveResourceState(self, request, context):
        return pb.MoveResourceState.Response(
            diagnostics=[_error("Offline stand-in cannot move resource state", APPLY_REFUSED)]
        )

    def ReadDataSource(self, request, context):
        config = values.decode(request.config.msgpack) or {}
        block = self._schema_json()["data_source_schemas"][request.type_name]["block"]
        state = values.read_data_source(request.type_name, block, config, self.settings)
        return pb.ReadDataSource.Response(state=pb.DynamicValue(msgpack=values.encode(state)))

    def GetFunctions(self, request, context):
        return pb.GetFunctions.Response()

    def CallFunction(self, request, context):
        return pb.CallFunction.Response(
            error=pb.FunctionError(text="The offline stand-in serves no provider functions.")
        )

    def StopProvider(self, request, context):
        # "Stop in-flight work" (Ctrl-C): nothing here runs long, and the process ends on Shutdown.
        return pb.StopProvider.Response()


class _Controller(controller_rpc.GRPCControllerServicer):
    def __init__(self, stopped: threading.Event) -> None:
        self._stopped = stopped

    def Shutdown(self, request, context):
        self._stopped.set()
        return controller_pb.Empty()


class _Stdio(stdio_rpc.GRPCStdioServicer):
    def StreamStdio(self, request, context):
        return iter(())


def _server_certificate() -> tuple[bytes, bytes]:
    """A fresh self-signed P-256 certificate for this process (go-plugin AutoMTLS)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=True,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [x509.oid.ExtendedKeyUsageOID.SERVER_AUTH, x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


def serve(files: CacheFiles) -> int:
    if os.environ.get(MAGIC_COOKIE_KEY) != MAGIC_COOKIE_VALUE:
        print(
            "This is a Terraform provider plugin (SmartStack's offline stand-in for hashicorp/aws).\n"
            "It is started by Terraform through the filesystem mirror, not run directly.",
            file=sys.stderr,
        )
        return 1
    if "6" not in os.environ.get("PLUGIN_PROTOCOL_VERSIONS", "6").split(","):
        print(
            "Terraform did not offer plugin protocol 6, the only one this stand-in speaks.", file=sys.stderr
        )
        return 1
    provider = OfflineAwsProvider(files)
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=8),
        options=[("grpc.max_send_message_length", 256 << 20), ("grpc.max_receive_message_length", 256 << 20)],
    )
    rpc.add_ProviderServicer_to_server(provider, server)
    controller_rpc.add_GRPCControllerServicer_to_server(_Controller(provider.stopped), server)
    stdio_rpc.add_GRPCStdioServicer_to_server(_Stdio(), server)

    with tempfile.TemporaryDirectory(prefix="offline-aws-") as tmp:
        socket_path = str(Path(tmp) / "plugin.sock")
        client_cert = os.environ.get("PLUGIN_CLIENT_CERT")
        cert_field = ""
        if client_cert:
            cert_pem, key_pem = _server_certificate()
            # Terraform pins this server certificate (sent in the handshake line below). Its own
            # client certificate is P-521, a curve grpcio's BoringSSL no longer lists in its
            # CertificateRequest, so Go would send none: the client certificate is requested but
            # cannot be required. The socket sits in a private 0700 directory of this process.
            credentials = grpc.ssl_server_credentials(
                [(key_pem, cert_pem)], root_certificates=client_cert.encode(), require_client_auth=False
            )
            server.add_secure_port(f"unix://{socket_path}", credentials)
            der = x509.load_pem_x509_certificate(cert_pem).public_bytes(serialization.Encoding.DER)
            cert_field = base64.b64encode(der).decode().rstrip("=")
        else:
            server.add_insecure_port(f"unix://{socket_path}")
        server.start()
        print(f"1|6|unix|{socket_path}|grpc|{cert_field}", flush=True)
        # Terraform ends plugins with StopProvider/Shutdown or by killing the process.
        signal.signal(signal.SIGTERM, lambda *_: provider.stopped.set())
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Terraform relays Ctrl-C as StopProvider.
        provider.stopped.wait()
        server.stop(grace=0.2)
    return 0


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: python -m smartstack_offline_provider.server <schema cache directory>")
    sys.exit(serve(CacheFiles(Path(sys.argv[1]))))
