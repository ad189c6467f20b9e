"""Office keys, handler keys, and the unlocked keys of a handler's session.

A handler unlocks their offices' keys by typing their password again. The unlocked private keys are
kept in the session only encrypted under a random wrapping key that lives in a separate cookie of
the handler's browser: the session table (database) holds ciphertext, the cookie holds a key that
opens nothing without it, and neither is written anywhere else. Closing the browser, logging out or
"Lock" forgets them.

An office's private key is sealed to each of its handlers' personal keys and, as escrow, to the
office one level up (the county can open a township's reports, as the higher organ may take any
report over). When a handler unlocks, every handler of an office they can open who has a personal
key but no share yet receives one: keys spread without anyone knowing another's password.
"""

from __future__ import annotations

import base64
import json

from django.conf import settings
from nacl.exceptions import CryptoError

from cleangov.accounts.models import RoleAssignment
from cleangov.orgs.models import Unit

from . import crypto
from .models import HandlerKey, OfficeEscrow, OfficeKey, OfficeKeyShare, RecoveryKey, RecoverySeal, Report

SESSION_KEY = "whistleblowing.unlocked"
COOKIE_NAME = "cleangov_wb_wrap"


class WrongPassword(Exception):
    pass


def handler_user_ids(office: Unit) -> set[int]:
    """Users who handle the office's reports: the role on the office unit itself, or above it with the subtree."""
    from .access import HANDLER_ROLES

    rows = RoleAssignment.objects.filter(role__in=HANDLER_ROLES).select_related("unit")
    ids = set()
    for a in rows:
        if a.unit_id == office.pk or (a.include_subtree and office.path.startswith(a.unit.path)
                                      and a.unit.level == office.level):
            ids.add(a.user_id)
    return ids


def parent_office_key(office: Unit) -> OfficeKey | None:
    from .routing import office_for_unit

    if office.parent_id is None:
        return None
    return OfficeKey.objects.filter(office=office_for_unit(office.parent)).first()


def create_office_key(office: Unit) -> OfficeKey:
    """A new key pair for ``office``: sealed to its handlers who have a personal key and to the
    office above. The private key exists in memory only for this call."""
    public, private = crypto.new_key_pair()
    key = OfficeKey.objects.create(office=office, public_key=public)
    parent = parent_office_key(office)
    if parent is not None:
        OfficeEscrow.objects.create(office_key=key, holder=parent,
                                    sealed_private_key=crypto.seal_to(parent.public_key, private))
    for handler in HandlerKey.objects.filter(user_id__in=handler_user_ids(office)):
        OfficeKeyShare.objects.create(office_key=key, handler_key=handler,
                                      sealed_private_key=crypto.seal_to(handler.public_key, private))
    recovery = RecoveryKey.objects.first()
    if recovery is not None:
        seal_to_recovery(key, private, recovery)
    return key


# --- the offline recovery key ------------------------------------------------------------------------
RECOVERY_PREFIX = "cleangov-recovery-v1:"


class BadRecoveryKey(Exception):
    """The key file is unreadable, malformed, or not the current recovery key (a one-line reason)."""


def recovery_fingerprint(public_key: bytes) -> str:
    """A short name of a recovery key, printed in its file and by the commands (never a secret)."""
    import hashlib

    digest = hashlib.sha256(bytes(public_key)).hexdigest()[:16]
    return " ".join(digest[i:i + 4] for i in range(0, 16, 4))


def recovery_key_text(private_key: bytes, public_key: bytes) -> str:
    """The text of the key file: a warning, the key, and its fingerprint."""
    return ("CleanGov reporting recovery key. Keep it offline (paper or a USB stick in the commission's safe): "
            "whoever holds it can open every report.\n"
            f"{RECOVERY_PREFIX}{base64.b64encode(private_key).decode()}\n"
            f"fingerprint: {recovery_fingerprint(public_key)}\n")


def parse_recovery_key(text: str) -> bytes:
    """The private key of a key file's text; :class:`BadRecoveryKey` when it is malformed."""
    import binascii

    lines = [line.strip() for line in text.splitlines() if line.strip().startswith(RECOVERY_PREFIX)]
    if len(lines) != 1:
        raise BadRecoveryKey(f"no line starting with {RECOVERY_PREFIX!r} (is this a recovery key file?)")
    try:
        raw = base64.b64decode(lines[0][len(RECOVERY_PREFIX):], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadRecoveryKey("the key line is not valid base64 (was it copied completely?)") from exc
    if len(raw) != crypto.KEY_BYTES:
        raise BadRecoveryKey(f"the key has {len(raw)} bytes instead of {crypto.KEY_BYTES} (was it copied completely?)")
    return raw


def seal_to_recovery(office_key: OfficeKey, private: bytes, recovery: RecoveryKey) -> RecoverySeal:
    seal, _created = RecoverySeal.objects.update_or_create(office_key=office_key, defaults={
        "recovery_key": recovery, "sealed_private_key": crypto.seal_to(recovery.public_key, private)})
    return seal


def top_level_office_keys():
    """Office keys that no escrow covers (the county's, and any office without one above)."""
    return OfficeKey.objects.filter(escrow__isnull=True).select_related("office")


def open_with_recovery_key(private_recovery: bytes) -> dict[int, bytes]:
    """Office id → private key for every office the recovery key opens (its seals, then escrow down);
    :class:`BadRecoveryKey` when it is not the current recovery key."""
    recovery = RecoveryKey.objects.first()
    if recovery is None:
        raise BadRecoveryKey("no recovery key is set up here (cleangov reporting-recovery-key makes one)")
    from nacl.public import PrivateKey

    if bytes(PrivateKey(private_recovery).public_key) != bytes(recovery.public_key):
        raise BadRecoveryKey("this is not the current recovery key (its fingerprint is "
                             f"{recovery_fingerprint(recovery.public_key)}; an older key stops working when a "
                             "new one is made)")
    opened: dict[int, bytes] = {}
    for seal in recovery.seals.select_related("office_key"):
        try:
            opened[seal.office_key.office_id] = crypto.open_sealed(private_recovery, seal.sealed_private_key)
        except CryptoError as exc:
            raise BadRecoveryKey("a seal does not open with this key") from exc
    return open_escrows_down(opened)


def office_key_reachable(office: Unit) -> bool:
    """Whether someone can open reports sent to ``office``: it has a key, or an office above has one."""
    from .routing import office_for_unit

    current = office
    while True:
        if OfficeKey.objects.filter(office=current).exists():
            return True
        if current.parent_id is None:
            return False
        current = office_for_unit(current.parent)


def ensure_office_key(office: Unit) -> OfficeKey:
    """The office's key, created (sealed to the office above, which must have one) when missing."""
    from .routing import office_for_unit

    existing = OfficeKey.objects.filter(office=office).first()
    if existing is not None:
        return existing
    if office.parent_id is not None:
        ensure_office_key(office_for_unit(office.parent))
    return create_office_key(office)


def set_up_handler_key(user, password: str) -> HandlerKey:
    """The handler's personal key pair, its private key under their password; their offices
    without a key get one now (sealed to this handler)."""
    public, private = crypto.new_key_pair()
    salt, blob = crypto.wrap_private_key(private, password)
    HandlerKey.objects.filter(user=user).delete()  # a reset: shares sealed to the old key are gone with it
    handler = HandlerKey.objects.create(user=user, public_key=public, salt=salt, encrypted_private_key=blob)
    for office in handled_offices(user):
        if not OfficeKey.objects.filter(office=office).exists():
            if office.parent_id is not None and parent_office_key(office) is None:
                continue  # the office above sets up first: its key is this one's escrow
            create_office_key(office)
    return handler


def rewrap_handler_key(handler: HandlerKey, old_password: str, new_password: str) -> bool:
    """Re-encrypt the handler's private key under their new password; False when the old password
    does not open it (the key was already stale). The private key exists in memory only here."""
    try:
        private = crypto.unwrap_private_key(handler.salt, handler.encrypted_private_key, old_password)
    except CryptoError:
        return False
    handler.salt, handler.encrypted_private_key = crypto.wrap_private_key(private, new_password)
    handler.needs_new_setup = False
    handler.save(update_fields=["salt", "encrypted_private_key", "needs_new_setup"])
    return True


def handled_offices(user) -> list[Unit]:
    """The office units the user handles directly (their handler role's own unit)."""
    from .access import HANDLER_ROLES
    from .routing import OFFICE_LEVELS

    return [a.unit for a in user.active_assignments() if a.role in HANDLER_ROLES and a.unit.level in OFFICE_LEVELS]


def open_office_keys(user, password: str) -> dict[int, bytes]:
    """Office id → private key for every office the user can open (their shares, then escrow down)."""
    handler = HandlerKey.objects.filter(user=user).first()
    if handler is None:
        raise WrongPassword
    try:
        own = crypto.unwrap_private_key(handler.salt, handler.encrypted_private_key, password)
    except CryptoError as exc:
        raise WrongPassword from exc
    keys: dict[int, bytes] = {}
    for share in OfficeKeyShare.objects.filter(handler_key=handler).select_related("office_key"):
        keys[share.office_key.office_id] = crypto.open_sealed(own, share.sealed_private_key)
    return open_escrows_down(keys)


def open_escrows_down(keys: dict[int, bytes]) -> dict[int, bytes]:
    """``keys`` plus every office key held in escrow by one of them, down the tree."""
    keys = dict(keys)
    frontier = list(keys)
    while frontier:
        holder_office = frontier.pop()
        for escrow in OfficeEscrow.objects.filter(holder__office_id=holder_office).select_related("office_key"):
            office_id = escrow.office_key.office_id
            if office_id not in keys:
                keys[office_id] = crypto.open_sealed(keys[holder_office], escrow.sealed_private_key)
                frontier.append(office_id)
    return keys


def grant_missing_shares(keys: dict[int, bytes]) -> int:
    """Seal every opened office key to its handlers who have a personal key but no share yet."""
    made = 0
    for office_key in OfficeKey.objects.filter(office_id__in=keys).select_related("office"):
        holders = set(office_key.shares.values_list("handler_key_id", flat=True))
        # A key waiting for a new set-up is about to be replaced: its holder gets a share once it is.
        for handler in HandlerKey.objects.filter(user_id__in=handler_user_ids(office_key.office),
                                                 needs_new_setup=False).exclude(pk__in=holders):
            OfficeKeyShare.objects.create(office_key=office_key, handler_key=handler,
                                          sealed_private_key=crypto.seal_to(handler.public_key,
                                                                            keys[office_key.office_id]))
            made += 1
    return made


# --- the session ------------------------------------------------------------------------------------
def remember(request, response, keys: dict[int, bytes]) -> None:
    wrap = crypto.new_symmetric_key()
    plain = json.dumps({str(k): base64.b64encode(v).decode() for k, v in keys.items()}).encode()
    request.session[SESSION_KEY] = base64.b64encode(crypto.encrypt(wrap, plain)).decode()
    response.set_cookie(COOKIE_NAME, base64.urlsafe_b64encode(wrap).decode(), httponly=True, samesite="Strict",
                        secure=settings.SESSION_COOKIE_SECURE, max_age=settings.SESSION_COOKIE_AGE)


def forget(request, response) -> None:
    request.session.pop(SESSION_KEY, None)
    response.delete_cookie(COOKIE_NAME)


def unlocked(request) -> dict[int, bytes]:
    """The office keys this session has unlocked (empty when locked or the cookie is gone)."""
    blob = request.session.get(SESSION_KEY)
    wrap = request.COOKIES.get(COOKIE_NAME)
    if not blob or not wrap:
        return {}
    try:
        plain = crypto.decrypt(base64.urlsafe_b64decode(wrap), base64.b64decode(blob))
    except (CryptoError, ValueError, TypeError):
        return {}
    return {int(k): base64.b64decode(v) for k, v in json.loads(plain).items()}


def report_key(report: Report, keys: dict[int, bytes]) -> bytes | None:
    private = keys.get(report.office_id)
    if private is None:
        return None
    return crypto.open_sealed(private, report.key_for_office)


def offices_with_keys() -> set[int]:
    return set(OfficeKey.objects.values_list("office_id", flat=True))

