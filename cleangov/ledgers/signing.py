"""Ed25519 keys of the signing units (each township; the county for itself and its departments).

The private key is a PEM file in ``DATA_DIR/ledger_keys/<unit code>/<key id>.pem``, directory mode
700 and file mode 600, written once and never shown. The public key and its id are in the database
and published with the checkpoints. Why a plain file and not an encrypted one: checkpoints are
signed unattended at the end of every month (the tick), and a passphrase the process can read is
no safer than the file permission; an operator who wants the key off the server can run
``cleangov ledger-checkpoint`` on a signing machine instead (docs/ledgers.md).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from cleangov.orgs.choices import UnitLevelChoices

from .chain import b64


def key_dir() -> Path:
    return Path(getattr(settings, "LEDGER_KEY_DIR", settings.DATA_DIR / "ledger_keys"))


def signing_unit_code(unit_path: str, levels: dict[str, str]) -> str:
    """The code of the unit whose key signs ``unit_path``'s checkpoints: the township at or above it,
    else the root (the county signs for itself and for county departments)."""
    codes = [c for c in unit_path.strip("/").split("/") if c]
    for code in reversed(codes):
        if levels.get(code) == UnitLevelChoices.TOWNSHIP:
            return code
    return codes[0]


def key_id_for(public_bytes: bytes) -> str:
    return hashlib.sha256(public_bytes).hexdigest()[:16]


def new_keypair() -> tuple[Ed25519PrivateKey, str, str]:
    """(private key, key id, public key base64)."""
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return private, key_id_for(public), b64(public)


def private_key_path(unit_code: str, key_id: str) -> Path:
    return key_dir() / unit_code / f"{key_id}.pem"


def write_private_key(unit_code: str, key_id: str, private: Ed25519PrivateKey) -> Path:
    directory = key_dir() / unit_code
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    directory.chmod(0o700)
    path = private_key_path(unit_code, key_id)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return path


def load_private_key(unit_code: str, key_id: str) -> Ed25519PrivateKey:
    path = private_key_path(unit_code, key_id)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 key")
    return key
