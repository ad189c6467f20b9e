"""The keys of a report, after GlobaLeaks' encryption protocol, with libsodium (PyNaCl) primitives only.

* Every handling office (a township or the county discipline office) has a Curve25519 key pair. Its
  public key is stored in clear; its private key is stored only sealed to each handler's personal
  public key (:class:`~cleangov.whistleblowing.models.OfficeKeyShare`).
* Every handler has a personal key pair whose private key is encrypted with a key derived from their
  password by Argon2id. The server cannot open it without the password.
* Every report has a random symmetric key (XSalsa20-Poly1305, ``SecretBox``). The report's text,
  reporter identity, attachments and messages are encrypted with it. The report key is sealed to the
  office's public key (``SealedBox``) and encrypted with the key the reporter's receipt code derives.
* The receipt code is never stored. Argon2id over the code and a per-report salt gives 64 bytes: the
  first half is the reporter's key, the second half is hashed (SHA-256) into the stored verifier.
  The row is found by a fast keyed hash of the code (HMAC with a key derived from SECRET_KEY), and the
  slow derivation runs whether or not a row was found, so a wrong code and a right one take the same time.

Nothing here writes a cipher: SecretBox, SealedBox and Argon2id come from libsodium.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from django.conf import settings
from nacl import pwhash, utils
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.secret import SecretBox

KEY_BYTES = SecretBox.KEY_SIZE  # 32
SALT_BYTES = pwhash.argon2id.SALTBYTES  # 16
RECEIPT_DIGITS = 16


def _limits() -> tuple[int, int]:
    return settings.CLEANGOV_WB_KDF_OPSLIMIT, settings.CLEANGOV_WB_KDF_MEMLIMIT


def slow_kdf(secret: str, salt: bytes, size: int = 2 * KEY_BYTES) -> bytes:
    """Argon2id over ``secret`` (a receipt code or a password): ``size`` bytes of key material."""
    ops, mem = _limits()
    return pwhash.argon2id.kdf(size, secret.encode("utf-8"), salt, opslimit=ops, memlimit=mem)


def new_salt() -> bytes:
    return utils.random(SALT_BYTES)


def new_symmetric_key() -> bytes:
    return utils.random(KEY_BYTES)


def encrypt(key: bytes, data: bytes) -> bytes:
    return bytes(SecretBox(key).encrypt(data))


def decrypt(key: bytes, blob: bytes) -> bytes:
    return SecretBox(key).decrypt(bytes(blob))


def encrypt_json(key: bytes, value) -> bytes:
    return encrypt(key, json.dumps(value, ensure_ascii=False).encode("utf-8"))


def decrypt_json(key: bytes, blob: bytes):
    return json.loads(decrypt(key, blob).decode("utf-8"))


def new_key_pair() -> tuple[bytes, bytes]:
    """(public key, private key) as raw bytes."""
    private = PrivateKey.generate()
    return bytes(private.public_key), bytes(private)


def seal_to(public_key: bytes, data: bytes) -> bytes:
    return bytes(SealedBox(PublicKey(bytes(public_key))).encrypt(data))


def open_sealed(private_key: bytes, blob: bytes) -> bytes:
    return SealedBox(PrivateKey(bytes(private_key))).decrypt(bytes(blob))


# --- receipt codes ---------------------------------------------------------------------------------
def new_receipt_code() -> str:
    """16 random digits, shaped like a phone number so that a reporter can keep it among contacts."""
    return "".join(secrets.choice("0123456789") for _ in range(RECEIPT_DIGITS))


def normalise_receipt(text: str) -> str:
    return "".join(ch for ch in (text or "") if ch.isdigit())


def format_receipt(code: str) -> str:
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))


def _lookup_key() -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), b"cleangov.whistleblowing.receipt-lookup", hashlib.sha256).digest()


def receipt_lookup_id(code: str) -> str:
    """The fast keyed hash that finds a report's row: useless without SECRET_KEY, and the slow
    verifier still has to match."""
    return hmac.new(_lookup_key(), code.encode(), hashlib.sha256).hexdigest()


def receipt_material(code: str, salt: bytes) -> tuple[bytes, str]:
    """(reporter key, stored verifier) from a receipt code and the report's salt (the slow step)."""
    derived = slow_kdf(code, salt)
    return derived[:KEY_BYTES], hashlib.sha256(derived[KEY_BYTES:]).hexdigest()


# A fixed salt and verifier for lookups that find no row: the same slow work, a comparison that fails.
DUMMY_SALT = b"\x00" * SALT_BYTES
DUMMY_VERIFIER = "0" * 64


def verifier_matches(expected: str, actual: str) -> bool:
    return hmac.compare_digest(expected.encode(), actual.encode())


# --- handler keys ------------------------------------------------------------------------------------
def wrap_private_key(private_key: bytes, password: str) -> tuple[bytes, bytes]:
    """(salt, encrypted private key) under a key derived from the handler's password."""
    salt = new_salt()
    return salt, encrypt(slow_kdf(password, salt, KEY_BYTES), private_key)


def unwrap_private_key(salt: bytes, blob: bytes, password: str) -> bytes:
    """The private key; ``nacl.exceptions.CryptoError`` for a wrong password."""
    return decrypt(slow_kdf(password, bytes(salt), KEY_BYTES), blob)
