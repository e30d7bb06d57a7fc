"""A small client of a running cus-api for the scripts (standard library only).

    python3 scripts/lib/cusapi.py seed BASE_URL STAFF_TOKEN

creates an active catalogue service, an active provider offering it and an active commission of
that provider, and prints their ids as JSON: the data that the fuzzer and the crash test need so
that a provider token belongs to a real provider with something to report on.
"""

import json
import sys
import urllib.error
import urllib.request

# The commission's terms; the crash test derives report periods and amounts from them.
COMMISSION_START = "2026-01-01"
COMMISSION_END = "2026-12-31"
COMMISSION_AMOUNT = "60000.00"
INDICATOR = "Godziny usług"


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def __repr__(self):
        return f"{self.status} {self.body}"


def call(base, method, path, token=None, body=None, headers=None, timeout=30):
    """One request; any HTTP status is a Reply, only a transport failure raises (OSError)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, dict(response.headers), _json(response.read()))
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers), _json(error.read()))


def _json(raw):
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw.decode(errors="replace")


def expect(reply, status, what):
    if reply.status != status:
        sys.exit(f"cusapi: {what} failed: {reply}")
    return reply.body


def seed(base, token):
    """Service, provider, offer and commission, all active; returns their ids."""
    service = expect(call(base, "POST", "/api/v1/services", token, {
        "code": "FUZZ-OPIEKA",
        "name": "Usługi opiekuńcze w miejscu zamieszkania",
        "area": "social_assistance",
        "target_groups": ["person"],
        "delivery_mode": "at_home",
        "unit": "hour",
        "unit_cost": "45.00",
        "fee_rule": {"kind": "free"},
        "delivered_by": "commissioned",
    }), 201, "creating a service")
    expect(call(base, "POST", f"/api/v1/services/{service['id']}/activate", token), 200, "activating the service")
    provider = expect(call(base, "POST", "/api/v1/providers", token, {
        "name": "Fundacja Złota Jesień",
        "legal_form": "foundation",
        "nip": "8567346215",
        "address": {"street": "ul. Kościelna", "building": "12", "postal_code": "27-200",
                    "city": "Starachowice", "teryt": "2611011"},
        "contact": {"email": "biuro@example.org", "phone": "+48 41 274 00 00"},
        "contact_persons": [{"name": "Anna Nowak", "position": "koordynatorka", "phone": "600 100 200"}],
        "areas": ["social_assistance"],
    }), 201, "creating a provider")
    offer = expect(call(base, "POST", f"/api/v1/providers/{provider['id']}/offers", token,
                        {"service_id": service["id"]}), 201, "adding an offer")
    commission = expect(call(base, "POST", "/api/v1/commissions", token, {
        "reference": "ZL/1/2026",
        "title": "Usługi opiekuńcze w miejscu zamieszkania",
        "service_id": service["id"],
        "provider_id": provider["id"],
        "mode": "open_competition",
        "form": "powierzenie",
        "agreement": {"number": "UM/1/2026", "signed_on": "2025-12-15"},
        "period": {"start": COMMISSION_START, "end": COMMISSION_END},
        "amount": COMMISSION_AMOUNT,
        "tranches": [{"date": "2026-01-20", "amount": COMMISSION_AMOUNT}],
        "planned_units": 4800,
        "unit": "hour",
        "planned_recipients": 40,
        "expected_results": [{"indicator": INDICATOR, "unit": "godzina", "planned_value": 4800}],
        "reporting": {"schedule": "quarterly", "due_days": 30},
    }), 201, "creating a commission")
    expect(call(base, "POST", f"/api/v1/commissions/{commission['id']}/activate", token), 200,
           "activating the commission")
    return {"service_id": service["id"], "provider_id": provider["id"], "offer_id": offer["id"],
            "commission_id": commission["id"]}


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "seed":
        sys.exit(__doc__)
    print(json.dumps(seed(sys.argv[2], sys.argv[3])))
