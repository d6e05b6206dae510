"""A real RFC 3161 time-stamping authority on 127.0.0.1, for the signing tests.

It answers POSTed time-stamp queries with tokens made by pyHanko's test time-stamper,
signed by a throwaway RSA authority certificate made here with `cryptography`.
"""

import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys, tsp, x509
from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

AUTHORITY_NAME = "Local Test Time-Stamping Authority"


def _authority() -> tuple[x509.Certificate, keys.PrivateKeyInfo]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = crypto_x509.Name([crypto_x509.NameAttribute(NameOID.COMMON_NAME, AUTHORITY_NAME)])
    now = datetime.now(UTC)
    certificate = (
        crypto_x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(crypto_x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            crypto_x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    der_key = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return (
        x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
        keys.PrivateKeyInfo.load(der_key),
    )


class LocalTimestampAuthority:
    """Serves RFC 3161 over HTTP on 127.0.0.1 until `close()`; counts the queries."""

    def __init__(self) -> None:
        certificate, key = _authority()
        self.certificate = certificate
        self.queries = 0
        stamper = DummyTimeStamper(tsa_cert=certificate, tsa_key=key)
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                query = tsp.TimeStampReq.load(self.rfile.read(length))
                answer = stamper.request_tsa_response(query).dump()
                owner.queries += 1
                self.send_response(200)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/tsa"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
