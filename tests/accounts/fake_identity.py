"""ORCID and an OpenID Connect provider on loopback, answering in their documented shapes.

ORCID (https://info.orcid.org/documentation/api-tutorials/): `POST /oauth/token` answers the
access token together with the iD and name; `GET /v3.0/{iD}/record` answers the public record.
OpenID Connect: `/.well-known/openid-configuration`, `POST /token` (with an `id_token`),
`GET /userinfo`.
"""

import time
from urllib.parse import parse_qs, urlsplit

import jwt

from tests.loopback import JsonHandler, LoopbackServer


class FakeIdentityProvider(LoopbackServer):
    def __init__(self, *, orcid="0000-0002-1825-0097", given="Sam", family="Rivera",
                 oidc_client_id="evident", oidc_claims=None):
        self.orcid = orcid
        self.given, self.family = given, family
        self.oidc_client_id = oidc_client_id
        self.oidc_claims = oidc_claims or {}
        self.token_requests: list[dict] = []
        fake = self

        class Handler(JsonHandler):
            def do_GET(self):
                path = urlsplit(self.path).path
                if path == "/.well-known/openid-configuration":
                    self.send_json(fake.discovery())
                elif path == f"/v3.0/{fake.orcid}/record":
                    self.send_json(fake.orcid_record())
                elif path == "/userinfo":
                    self.send_json(fake.claims())
                else:
                    self.send_json({"error": "not found"}, 404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                fake.token_requests.append(form)
                path = urlsplit(self.path).path
                if path == "/oauth/token":
                    self.send_json({"access_token": "orcid-access", "token_type": "bearer", "refresh_token": "r",
                                "expires_in": 631138518, "scope": "/authenticate",
                                "name": f"{fake.given} {fake.family}", "orcid": fake.orcid})
                elif path == "/token":
                    self.send_json({"access_token": "oidc-access", "token_type": "Bearer", "expires_in": 300,
                                "id_token": fake.id_token()})
                else:
                    self.send_json({"error": "not found"}, 404)

        super().__init__(Handler)

    def discovery(self):
        return {"issuer": self.url, "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token", "userinfo_endpoint": f"{self.url}/userinfo",
                "jwks_uri": f"{self.url}/jwks", "response_types_supported": ["code"],
                "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["HS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post"]}

    def orcid_record(self):
        return {"orcid-identifier": {"uri": f"https://orcid.org/{self.orcid}", "path": self.orcid, "host": "orcid.org"},
                "person": {"name": {"given-names": {"value": self.given}, "family-name": {"value": self.family}},
                           "emails": {"email": []}}}

    def claims(self):
        return {"sub": "clinic-user-17", "email": "nurse@clinic.example", "email_verified": True,
                "preferred_username": "nurse_ada", "name": "Ada Nurse", **self.oidc_claims}

    def id_token(self):
        now = int(time.time())
        return jwt.encode({"iss": self.url, "aud": self.oidc_client_id, "iat": now, "exp": now + 300,
                           **self.claims()}, "not-checked-when-fetched-directly", algorithm="HS256")
