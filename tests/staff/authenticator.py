"""A software passkey for test-client tests: an EC P-256 key that signs WebAuthn assertions
for whichever relying party and origin a test names (a browser would only sign its own)."""

import base64
import hashlib
import json

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftwarePasskey:
    def __init__(self, credential_id=b"software-passkey-0001"):
        self.credential_id = credential_id
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.sign_count = 0

    def cose_public_key(self):
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def attestation(self, challenge, rp_id, origin):
        """What navigator.credentials.create() would send back (attestation "none")."""
        client_data = json.dumps(
            {"type": "webauthn.create", "challenge": challenge, "origin": origin, "crossOrigin": False}
        ).encode()
        flags = bytes([0x01 | 0x04 | 0x40])  # user present, user verified, credential data attached
        credential = bytes(16) + len(self.credential_id).to_bytes(2, "big") + self.credential_id
        authenticator_data = (
            hashlib.sha256(rp_id.encode()).digest() + flags + self.sign_count.to_bytes(4, "big") + credential
        )
        authenticator_data += self.cose_public_key()
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": authenticator_data})
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {"credProps": {"rk": True}},
        }

    def assertion(self, challenge, rp_id, origin):
        """What navigator.credentials.get() would send back, as django-otp-webauthn's script posts it."""
        self.sign_count += 1
        client_data = json.dumps(
            {"type": "webauthn.get", "challenge": challenge, "origin": origin, "crossOrigin": False}
        ).encode()
        flags = bytes([0x01 | 0x04])  # user present, user verified
        authenticator_data = hashlib.sha256(rp_id.encode()).digest() + flags + self.sign_count.to_bytes(4, "big")
        signature = self.key.sign(authenticator_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(authenticator_data),
                "signature": b64url(signature),
                "userHandle": None,
            },
            "clientExtensionResults": {},
        }
