"""The laptop's hub-key rules (desktop/services/province_link/hub_pin.py, sync/hubkey.py) on a real laptop database: what an
enrolment answer may pin, when a pinned key may change, and how a file signed by another key is refused."""

from __future__ import annotations

import base64
import hashlib

import pytest

from desktop import config
from desktop.errors import ServiceError
from desktop.services.province_link import hub_pin
from desktop.settings_keys import KEY_HUB_PUBLIC_KEY
from sync import hubkey, offline, signing

CODE = "ABCD-EFGH-JKLM"
DEVICE, COMMUNE = "d" * 32, "22736"


def _bound(hub_key: str, device_pub: str, code: str = CODE) -> str:
    return hubkey.binding(offline.code_hash(code), hub_key, DEVICE, COMMUNE, device_pub)


def _check(db, hub_key: str, binding: str, device_pub: str, *, by_file: bool) -> hub_pin.KeyDecision:
    return hub_pin.check_enrolment_key(db, hub_key, binding, offline.code_hash(CODE), DEVICE, COMMUNE, device_pub,
                                       by_file=by_file)


def _pin(db, key: str) -> None:
    with db.session() as s:
        config.put(s, KEY_HUB_PUBLIC_KEY, key)


def test_fingerprint_is_short_grouped_sha256_of_the_raw_key() -> None:
    _priv, pub = signing.generate_keypair()
    want = hashlib.sha256(base64.b64decode(pub)).hexdigest()[:16].upper()
    fp = hubkey.fingerprint(pub)
    assert fp.replace(" ", "") == want and [len(g) for g in fp.split(" ")] == [4, 4, 4, 4]
    assert hubkey.fingerprint("") == ""


def test_binding_covers_key_device_commune_and_code() -> None:
    _p, hub_key = signing.generate_keypair()
    _p, device_pub = signing.generate_keypair()
    b = _bound(hub_key, device_pub)
    h = offline.code_hash(CODE)
    assert hubkey.binding_valid(h, b, hub_key, DEVICE, COMMUNE, device_pub)
    assert hubkey.binding_valid(offline.code_hash(" abcd efgh-jklm "), b, hub_key, DEVICE, COMMUNE, device_pub)
    _p, other = signing.generate_keypair()
    assert not hubkey.binding_valid(h, b, other, DEVICE, COMMUNE, device_pub)  # another hub key
    assert not hubkey.binding_valid(h, b, hub_key, "e" * 32, COMMUNE, device_pub)  # another device
    assert not hubkey.binding_valid(h, b, hub_key, DEVICE, "99999", device_pub)  # another commune
    assert not hubkey.binding_valid(h, b, hub_key, DEVICE, COMMUNE, other)  # another request's key
    assert not hubkey.binding_valid(offline.code_hash("ZZZZ-ZZZZ-ZZZZ"), b, hub_key, DEVICE, COMMUNE, device_pub)
    assert not hubkey.binding_valid(h, None, hub_key, DEVICE, COMMUNE, device_pub)


def test_first_key_and_rotation_rules(db) -> None:
    _p, key_a = signing.generate_keypair()
    _p, key_b = signing.generate_keypair()
    _p, device_pub = signing.generate_keypair()
    # first key, bound: pinned with no note; unbound by file: refused; unbound online: accepted (TLS)
    assert _check(db, key_a, _bound(key_a, device_pub), device_pub, by_file=True).note == ""
    with pytest.raises(ServiceError, match="không có dấu xác nhận khóa"):
        _check(db, key_a, "", device_pub, by_file=True)
    assert _check(db, key_a, "", device_pub, by_file=False).key == key_a
    _pin(db, key_a)
    # the same key again: nothing to say
    assert _check(db, key_a, "", device_pub, by_file=False).note == ""
    # another key without a binding (an old hub): refused online and by file, naming both fingerprints
    with pytest.raises(ServiceError) as exc:
        _check(db, key_b, "", device_pub, by_file=False)
    assert hubkey.fingerprint(key_a) in str(exc.value) and hubkey.fingerprint(key_b) in str(exc.value)
    # another key with a binding for another key: refused
    with pytest.raises(ServiceError, match="không khớp"):
        _check(db, key_b, _bound(key_a, device_pub), device_pub, by_file=False)
    # another key bound by a new code: a rotation, told with both fingerprints
    d = _check(db, key_b, _bound(key_b, device_pub), device_pub, by_file=True)
    assert d.changed and f"khóa cũ {hubkey.fingerprint(key_a)}, khóa mới {hubkey.fingerprint(key_b)}" in d.note
    with db.session() as s:
        assert config.get(s, KEY_HUB_PUBLIC_KEY) == key_a  # deciding stores nothing


def test_served_key_never_replaces_the_pinned_one(db) -> None:
    _p, key_a = signing.generate_keypair()
    _p, key_b = signing.generate_keypair()
    hub_pin.note_served_key(db, key_a)  # a laptop enrolled before hubs had a signing key learns it once
    hub_pin.note_served_key(db, key_b)
    assert hub_pin.pinned(db) == key_a


def test_file_signed_by_another_key_named(db) -> None:
    hub_priv, hub_key = signing.generate_keypair()
    stranger, stranger_pub = signing.generate_keypair()
    payload = {"commune_code": COMMUNE, "targets": []}
    assert hub_pin.verify_file(offline.hub_sign(hub_priv, "targets", payload), hub_key, "targets") == payload
    with pytest.raises(ServiceError) as exc:
        hub_pin.verify_file(offline.hub_sign(stranger, "targets", payload), hub_key, "targets")
    said = str(exc.value)
    assert "không phải của máy chủ tỉnh" in said and hubkey.fingerprint(hub_key) in said
    assert hubkey.fingerprint(stranger_pub) in said and "Không có gì được thay đổi" in said
    with pytest.raises(ServiceError, match="không phải 'receipt'"):
        hub_pin.verify_file(offline.hub_sign(hub_priv, "targets", payload), hub_key, "receipt")
