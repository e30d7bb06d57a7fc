"""Offline HSDS 3.0 conformance of a running cus-api (run by scripts/hsds-conformance).

    python hsds_check.py validate HSDS_DIR BASE_URL STAFF_TOKEN
    python hsds_check.py openapi HSDS_DIR OUT_FILE

`validate` adds services with each kind of fee and a provider with every register number, then
reads every HSDS answer (`/hsds/`, every page of every list, every item by id) and validates each
against the official schemas in HSDS_DIR (JSON Schema 2020-12, formats asserted). The upstream
`$ref`s are absolute raw-file URLs; a referencing registry maps each to the local file, so
nothing is fetched and nothing in HSDS_DIR is changed. It also checks what no schema states: the
paging fields and their arithmetic, `ETag` and `Cache-Control: public` on every answer, that no
contact data of a provider appears anywhere, that schedules are weekly (with a day) or dated to
one day, with both times or neither, and that the seeded locations' weekly and dated schedules
were reached. Exits 1 listing every mismatch.

`openapi` writes HSDS's OpenAPI description with every schema bundled into its components (so
schemathesis reads no network), the known defect of `/service_at_locations/{id}` fixed, and each
list's parameters narrowed to the ones this API implements (`page`, `per_page`, `modified_after`).
"""

import json
import pathlib
import sys
import urllib.parse

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import cusapi  # noqa: E402

UPSTREAM = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
OPENAPI = UPSTREAM + "openapi.json"
PAGE_FIELDS = ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty"]
# Our lists, with the schema of an item by id. /locations is not in HSDS's OpenAPI (3.0 has none).
LISTS = {
    "/services": "compiled/service.json",
    "/organizations": "compiled/organization.json",
    "/taxonomies": "taxonomy.json",
    "/taxonomy_terms": "taxonomy_term.json",
    # HSDS's OpenAPI names compiled/service.json here, a known defect (see NOTICE.md).
    "/service_at_locations": "compiled/service_at_location.json",
    "/locations": "location.json",
}
# Lists that must not be empty in a seeded database, or their validation proves nothing.
FILLED = {"/services", "/organizations", "/taxonomies", "/taxonomy_terms", "/locations", "/service_at_locations"}
# Contact data of the providers the seeds create: never part of the public view. A location's
# address and phone are public (the locations API publishes them; the seed gives providers'
# premises the provider's phone), so those of locations are left out of this search; everything
# else of them is searched.
PERSONAL = ["Anna Nowak", "600 100 200", "@example.org", "+48 41 274 00 00", "ul. Kościelna", "ul. Główna"]
PARAMETERS = {"page", "per_page", "modified_after"}


def schema_files(hsds_dir):
    root = pathlib.Path(hsds_dir) / "schema"
    return {str(path.relative_to(root)): path for path in sorted(root.rglob("*.json"))}


def registry(hsds_dir):
    resources = []
    for name, path in schema_files(hsds_dir).items():
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((UPSTREAM + name, Resource.from_contents(contents, default_specification=DRAFT202012)))
    return Registry().with_resources(resources)


def pointer(*parts):
    return "#/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def list_schema(path):
    if path == "/locations":
        return {"allOf": [{"$ref": OPENAPI + pointer("components", "schemas", "Page")}],
                "properties": {"contents": {"type": "array", "items": {"$ref": UPSTREAM + "location.json"}}}}
    return {"$ref": OPENAPI + pointer("paths", path, "get", "responses", "200", "content", "application/json", "schema")}


def without_location_contacts(node):
    if isinstance(node, list):
        return [without_location_contacts(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {key: without_location_contacts(value) for key, value in node.items()
            if not (key in ("addresses", "phones") and "location_type" in node)}


def schedules_rules(where, body, fail):
    """Exceptions are dated to one day, with both times or (closed) neither; weekly ones have a day."""
    for owner in (body, body.get("location") or {}):
        for schedule in owner.get("schedules", []):
            times = ("opens_at" in schedule, "closes_at" in schedule)
            if times[0] != times[1]:
                fail(where, f"schedule {schedule.get('id')} has one of opens_at and closes_at")
            if "valid_from" in schedule and schedule.get("valid_from") != schedule.get("valid_to"):
                fail(where, f"schedule {schedule.get('id')} spans more than the exception's date")
            if "valid_from" not in schedule and not schedule.get("byday"):
                fail(where, f"weekly schedule {schedule.get('id')} has no byday")


class Checker:
    def __init__(self, hsds_dir, base):
        self.registry = registry(hsds_dir)
        self.base = base
        self.failures = []
        self.validated = 0
        self.schedules = {"weekly": 0, "dated": 0}

    def fail(self, where, message):
        self.failures.append(f"{where}: {message}")

    def get(self, path):
        reply = cusapi.call(self.base, "GET", "/hsds" + path)
        if reply.status != 200:
            self.fail(path, f"status {reply.status}: {reply.body}")
            return None
        headers = {name.lower(): value for name, value in reply.headers.items()}
        if not headers.get("etag"):
            self.fail(path, "no ETag")
        if not headers.get("cache-control", "").startswith("public"):
            self.fail(path, f"Cache-Control is {headers.get('cache-control')!r}, not public")
        text = json.dumps(without_location_contacts(reply.body), ensure_ascii=False)
        for personal in PERSONAL:
            if personal in text:
                self.fail(path, f"contact data in a public answer ({personal!r})")
        return reply.body

    def validate(self, where, instance, schema):
        validator = Draft202012Validator(schema, registry=self.registry,
                                         format_checker=Draft202012Validator.FORMAT_CHECKER)
        self.validated += 1
        for error in validator.iter_errors(instance):
            at = "/".join(str(part) for part in error.absolute_path)
            self.fail(where, f"at /{at}: {error.message[:300]}")

    def page_rules(self, where, page, number, seen):
        missing = [field for field in PAGE_FIELDS + ["contents"] if field not in page]
        if missing:
            self.fail(where, f"paging fields missing: {missing}")
            return
        contents = page["contents"]
        expected = {
            "page_number": number,
            "size": len(contents),
            "first_page": number == 1,
            "last_page": number >= page["total_pages"],
            "empty": page["total_items"] == 0,
        }
        for field, value in expected.items():
            if page[field] != value:
                self.fail(where, f"{field} is {page[field]!r}, expected {value!r}")
        if page["total_pages"] < 1 or page["total_pages"] * 7 < page["total_items"]:
            self.fail(where, f"total_pages {page['total_pages']} for {page['total_items']} items of 7 a page")
        seen.extend(item.get("id") for item in contents)

    def walk(self):
        root = self.get("/")
        if root is not None:
            self.validate("/", root, {"$ref": OPENAPI + pointer("paths", "/", "get", "responses", "200", "content",
                                                                  "application/json", "schema")})
        for path, item_schema in LISTS.items():
            seen, number, total = [], 1, None
            while True:
                where = f"{path}?page={number}&per_page=7"
                page = self.get(where)
                if page is None:
                    break
                self.validate(where, page, list_schema(path))
                self.page_rules(where, page, number, seen)
                total = page.get("total_items")
                if page.get("last_page", True) or number > 1000:
                    break
                number += 1
            if total is not None and len(seen) != total:
                self.fail(path, f"pages held {len(seen)} items, total_items says {total}")
            if len(set(seen)) != len(seen):
                self.fail(path, "an item appears on two pages")
            if path in FILLED and not seen:
                self.fail(path, "empty in the seeded database: nothing was validated")
            for item_id in seen:
                item = self.get(f"{path}/{item_id}")
                if item is not None:
                    self.validate(f"{path}/{item_id}", item, {"$ref": UPSTREAM + item_schema})
                    schedules_rules(f"{path}/{item_id}", item, self.fail)
                    for schedule in item.get("schedules", []):
                        self.schedules["dated" if "valid_from" in schedule else "weekly"] += 1
        for kind, count in self.schedules.items():
            if not count:
                self.fail("/locations", f"no {kind} schedule in the seeded database: none was validated")
        missing = cusapi.call(self.base, "GET", "/hsds/services/0193a5f2-0000-7000-8000-0000000000ee")
        kind = {name.lower(): value for name, value in missing.headers.items()}.get("content-type")
        if missing.status != 404 or kind != "application/problem+json":
            self.fail("/services/{unknown id}", f"expected a 404 problem, got {missing.status}")


def add_fee_kinds(base, token):
    """One active service per fee kind, and a provider with NIP, REGON and KRS offering them."""
    services = []
    for code, rule in [("HSDS-STALA", {"kind": "fixed", "amount": "12.50"}),
                       ("HSDS-DOCHOD", {"kind": "income_table", "basis": "percent_of_criterion", "brackets": [
                           {"up_to": "100", "fee": {"per_unit": "0"}},
                           {"up_to": None, "fee": {"percent_of_unit_cost": "30"}}], "exemptions": []})]:
        service = cusapi.expect(cusapi.call(base, "POST", "/api/v1/services", token, {
            "code": code, "name": f"Usługa {code}", "description": "Usługa do sprawdzenia zgodności z HSDS.",
            "area": "family_support", "target_groups": ["family", "special_needs_group"],
            "delivery_mode": "day_centre", "unit": "session", "fee_rule": rule, "delivered_by": "both",
            "eligibility": "Rodziny z dziećmi."}), 201, f"creating {code}")
        cusapi.expect(cusapi.call(base, "POST", f"/api/v1/services/{service['id']}/activate", token), 200,
                      f"activating {code}")
        services.append(service["id"])
    provider = cusapi.expect(cusapi.call(base, "POST", "/api/v1/providers", token, {
        "name": "Stowarzyszenie Razem", "short_name": "Razem", "legal_form": "association",
        "nip": "5260250274", "regon": "012345675", "krs": "0000249506",
        "address": {"street": "ul. Kościelna", "building": "3", "postal_code": "27-200", "city": "Starachowice"},
        "contact": {"email": "razem@example.org", "phone": "+48 41 274 00 00"},
        "contact_persons": [{"name": "Anna Nowak", "position": "prezeska", "phone": "600 100 200"}],
        "areas": ["family_support"], "description": "Wsparcie rodzin."}), 201, "creating a provider")
    for service in services:
        cusapi.expect(cusapi.call(base, "POST", f"/api/v1/providers/{provider['id']}/offers", token,
                                  {"service_id": service}), 201, "adding an offer")


def bundled_openapi(hsds_dir):
    files = schema_files(hsds_dir)
    document = json.loads(files["openapi.json"].read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]

    def component(name):
        key = name.removesuffix(".json").replace("/", "_")
        if key not in schemas:
            schemas[key] = {}
            schemas[key] = rewrite(json.loads(files[name].read_text(encoding="utf-8")), name)
        return "#/components/schemas/" + key

    def rewrite(node, at):
        if isinstance(node, list):
            return [rewrite(item, at) for item in node]
        if not isinstance(node, dict):
            return node
        out = {key: rewrite(value, at) for key, value in node.items()}
        reference = out.get("$ref")
        if isinstance(reference, str) and not reference.startswith("#"):
            target = urllib.parse.urljoin(UPSTREAM + at, reference)
            if not target.startswith(UPSTREAM):
                sys.exit(f"hsds_check: unexpected $ref {reference} in {at}")
            out["$ref"] = component(target[len(UPSTREAM):])
        return out

    defect = document["paths"]["/service_at_locations/{id}"]["get"]["responses"]["200"]["content"]
    defect["application/json"]["schema"]["$ref"] = UPSTREAM + "compiled/service_at_location.json"
    document["paths"] = rewrite(document["paths"], "openapi.json")
    parameters = document["components"]["parameters"]
    parameters["page"]["schema"] = {"type": "integer", "minimum": 1, "maximum": 1000}
    parameters["per_page"]["schema"] = {"type": "integer", "minimum": 1, "maximum": 200}
    parameters["modified_after"]["schema"] = {"type": "string", "format": "date-time"}
    for item in document["paths"].values():
        for parameter in item.get("parameters", []):
            if parameter.get("in") == "path":
                parameter["schema"] = {"type": "string", "format": "uuid"}
        operation = item.get("get", {})
        if "parameters" in operation:
            operation["parameters"] = [parameter for parameter in operation["parameters"]
                                       if parameter.get("$ref", "").rsplit("/", 1)[-1] in PARAMETERS]
    document["info"] = {"title": "cus-api HSDS 3.0 view", "version": "3.0"}
    return document


def main(argv):
    if len(argv) == 5 and argv[1] == "validate":
        add_fee_kinds(argv[3], argv[4])
        checker = Checker(argv[2], argv[3])
        checker.walk()
        for failure in checker.failures:
            print(f"MISMATCH {failure}")
        print(f"hsds_check: {checker.validated} answers validated, {len(checker.failures)} mismatches")
        return 1 if checker.failures else 0
    if len(argv) == 4 and argv[1] == "openapi":
        pathlib.Path(argv[3]).write_text(json.dumps(bundled_openapi(argv[2])), encoding="utf-8")
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
