"""Tests for HTTPS fetching: certificates are always verified, and failures say why.

The test certificates are made with `cryptography`, which c2pa-python (a runtime dependency)
already brings in.
"""

import datetime
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from likeness_guard.core.sources.web import WebOptions, iter_web_items
from likeness_guard.core.sources.web.guard import AddressRefused, connection_rules
from likeness_guard.core.sources.web.http_client import new_http_session

from .helpers import error_of
from .local_server import LocalServer


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_certificates(
    folder: Path, subject_names: list[x509.GeneralName]
) -> tuple[Path, Path, Path]:
    """A test CA, and a server certificate it signed for `subject_names`; returns the
    CA file, the server's certificate file and its key file."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Likeness Guard test CA")
    ca_certificate = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server_certificate = (
        x509.CertificateBuilder()
        .subject_name(_name("test server"))
        .issuer_name(ca_name)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(subject_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file = folder / "ca.pem"
    certificate_file = folder / "server.pem"
    key_file = folder / "server.key"
    ca_file.write_bytes(ca_certificate.public_bytes(serialization.Encoding.PEM))
    certificate_file.write_bytes(server_certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, certificate_file, key_file


def _https_server(folder: Path, subject_names: list[x509.GeneralName]) -> tuple[LocalServer, Path]:
    ca_file, certificate_file, key_file = _write_certificates(folder, subject_names)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate_file, key_file)
    return LocalServer(tls=context), ca_file


@pytest.fixture
def right_host(tmp_path: Path) -> Iterator[tuple[LocalServer, Path]]:
    """An HTTPS server whose certificate names 127.0.0.1, and the CA that signed it."""
    server, ca_file = _https_server(tmp_path, [x509.IPAddress(ipaddress.IPv4Address("127.0.0.1"))])
    yield server, ca_file
    server.close()


@pytest.fixture
def wrong_host(tmp_path: Path) -> Iterator[tuple[LocalServer, Path]]:
    """An HTTPS server on 127.0.0.1 whose certificate is for another name."""
    server, ca_file = _https_server(tmp_path, [x509.DNSName("other.example")])
    yield server, ca_file
    server.close()


def test_https_with_a_trusted_certificate(
    right_host: tuple[LocalServer, Path], options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    server, ca_file = right_host
    url = server.serve("/photo.jpg", photo_bytes["t1"], "image/jpeg")

    items = list(iter_web_items([url], replace(options, ca_bundle=str(ca_file))))

    assert [item.read() for item in items] == [photo_bytes["t1"]]


def test_certificate_for_another_host(
    wrong_host: tuple[LocalServer, Path], options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    server, ca_file = wrong_host
    url = server.serve("/photo.jpg", photo_bytes["t1"], "image/jpeg")

    items = list(iter_web_items([url], replace(options, ca_bundle=str(ca_file), retries=2)))

    assert [error_of(item) for item in items] == ["TLS certificate not valid for this host"]
    assert server.seen == []


def test_certificate_from_an_unknown_authority(
    right_host: tuple[LocalServer, Path], options: WebOptions, photo_bytes: dict[str, bytes]
) -> None:
    server, _ca_file = right_host
    url = server.serve("/photo.jpg", photo_bytes["t1"], "image/jpeg")

    items = list(iter_web_items([url], options))

    assert [error_of(item) for item in items] == [
        "TLS certificate not trusted (self-signed or from an unknown authority)"
    ]
    assert server.seen == []


def test_plain_http_spoken_to_an_https_port(
    right_host: tuple[LocalServer, Path], options: WebOptions
) -> None:
    server, _ca_file = right_host
    url = server.url("/photo.jpg").replace("https://", "http://")

    items = list(iter_web_items([url], replace(options, read_timeout=1.0)))

    assert [error_of(item) for item in items] == [
        "the server closed the connection before sending everything"
    ]
    assert server.seen == []


def test_https_connections_pass_through_the_guard(
    right_host: tuple[LocalServer, Path], photo_bytes: dict[str, bytes]
) -> None:
    """HTTPSConnection.connect() must still open its socket through the guarded `_new_conn`."""
    server, ca_file = right_host
    url = server.serve("/photo.jpg", photo_bytes["t1"], "image/jpeg")
    handed: list[tuple[str, int]] = []

    def on_socket(sock: socket.socket) -> None:
        handed.append(sock.getsockname())

    session = new_http_session(WebOptions(ca_bundle=str(ca_file)))
    try:
        with pytest.raises(AddressRefused):
            session.get(url, timeout=2)
        # With private addresses allowed the same request succeeds: the guard refused, not TLS.
        with connection_rules(allow_private=True, on_socket=on_socket):
            assert session.get(url, timeout=2).content == photo_bytes["t1"]
    finally:
        session.close()

    # Handed over when opened, and again when the request is sent on it: one connection.
    assert len(handed) >= 1
    assert len(set(handed)) == 1
    assert len(server.seen) == 1
