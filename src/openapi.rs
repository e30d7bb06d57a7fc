//! The OpenAPI 3.1 document's frame; operations and schemas are collected from the handlers.

use std::collections::HashSet;

use serde_json::Value;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, Object, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type};
use utoipa::openapi::RefOr;
use utoipa::OpenApi;

use crate::domain::limits;
use crate::http::extract::{IDEMPOTENCY_KEY, IDEMPOTENCY_KEY_MAX, IF_MATCH, SEARCH_MAX_CHARS};
use crate::http::pagination::MAX_LIMIT;

/// cus-api: the open, headless API of a Centrum Usług Społecznych.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "cus-api",
        description = "Open, headless REST/JSON API of a municipal social services centre (Centrum Usług Społecznych, \
act of 19 July 2019): the local bank of social services, providers, commissions and their reports, residents and their \
individual service plans.\n\n\
Conventions: JSON with snake_case fields; ids are UUIDs; timestamps RFC 3339 UTC; dates, and the \
\"today\" that terms count from, are Polish calendar days (Europe/Warsaw); money a decimal string with two places \
(PLN). Collections use cursor pagination (`limit`, `cursor`, `next_cursor`, `Link: rel=\"next\"`), filters named after \
fields, `q` for case- and diacritic-insensitive search, `sort` with `-` for descending order, and reject unknown \
parameters. Every record has `version`; its ETag is the version; PATCH (JSON merge patch) and DELETE require `If-Match` \
(428 without it). A write that finds the record changed since it was read is a 412 with the current `ETag`, whether a \
stale `If-Match` or a concurrent change during an action told it: read the record again and retry. \
Any POST accepts `Idempotency-Key` (replayed for 24 hours). Errors are RFC 9457 problem details \
(`application/problem+json`) with a stable `code` and every invalid field in `errors`. Every response carries \
`X-Request-Id`.\n\n\
Authentication: `Authorization: Bearer <JWT>`, either a token of the municipality's identity provider or one obtained \
from `POST /api/v1/auth/token` by a registered API client. Each operation states the roles that may call it. A \
`provider` caller reaches only its own provider's records: others are 404, not 403.\n\n\
Browsers: anonymous reads answer every origin (`Access-Control-Allow-Origin: *`); calls with a token only the \
origins the deployment lists in `CUS_CORS_ORIGINS`, which may send `Authorization`, `If-Match`, `If-None-Match`, \
`Idempotency-Key`, `Content-Type` and `X-Request-Id` and read `ETag`, `Link`, `Location`, `X-Request-Id` and \
`Retry-After`.",
        contact(name = "cus-api maintainers", url = "https://cus-api.dev"),
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
        version = env!("CARGO_PKG_VERSION")
    ),
    servers((url = "/", description = "The server that serves this document (paths are relative to its origin)")),
    tags(
        (name = "services", description = "The catalogue of the local bank of social services (katalog usług społecznych, art. 2 of the CUS act)."),
        (name = "providers", description = "The registry of providers (NGOs, social-economy entities, public units, companies) and what each can deliver (offers)."),
        (name = "commissions", description = "Commissions (zlecenia realizacji usług społecznych): a service commissioned to a provider for a period and budget, with annexes and a summary."),
        (name = "reports", description = "Provider reports (sprawozdania) on commissions: submission with Idempotency-Key, review, corrections as versions."),
        (name = "settings", description = "The centre's settings that rules of the law are measured against, e.g. the grants planned each year for NGOs (public benefit act art. 19a ust. 6)."),
        (name = "municipalities", description = "The gminas this CUS serves, by TERYT TERC code: the founding gmina (gmina tworząca) and those served under an inter-municipal agreement (porozumienie międzygminne). A resident's municipality is one of them, active."),
        (name = "diagnoses", description = "Diagnoses of needs and potential (diagnoza potrzeb i potencjału społeczności lokalnej, CUS act art. 13 ust. 1) of the municipalities served: methods, consultation, needs, resources, gaps; adopted, renewed every 5 years, superseded. What a programme of social services rests on."),
        (name = "programmes", description = "Programmes of social services (program usług społecznych) adopted by resolution of a municipal council on an adopted diagnosis: the services offered, to whom, how to apply, capacity; draft, in consultation, adopted, in force, expired or repealed."),
        (name = "locations", description = "Where services are given and applied for: CUS offices, providers' premises, day centres, with weekly opening hours (Europe/Warsaw wall-clock time), dated exceptions (holidays), accessibility and public contact details. Public; `open_at` finds the places open at a time."),
        (name = "residents", description = "Residents: the most sensitive data (health, disability, family). Field-level views per role; every read and write audited; GDPR export and anonymisation."),
        (name = "fee-assessments", description = "Fee assessments (ustalenie odpłatności): the fee per unit a resident pays for a service of a programme, from the household's income and size under the programme's income table (per cent of the statutory criterion or PLN), with exemptions. The income is special data: shown only by the single GET, audited."),
        (name = "service-plans", description = "Individual plans of social services (IPUS): goals, items from providers, consent, approval, monitoring, revisions, closure; plan items and deliveries for providers."),
        (name = "time-bank", description = "The time bank (bank czasu) the community organiser (OSL) runs: residents give and receive help by the hour. An append-only ledger in double entry: balances are computed from it, a credit limit bounds how far a member may receive ahead of giving, and a mistake is corrected by a reversing transfer. Read by the OSL, the director and the auditor; every read audited."),
        (name = "auth", description = "Tokens for API clients (OAuth 2.0 client credentials). People use tokens of the municipality's identity provider."),
        (name = "authorisations", description = "The director's personal authorisations (upoważnienie), e.g. for an OUS to approve individual plans."),
        (name = "api-clients", description = "Registration of systems (NGO partner systems, municipal integrations) that call the API."),
        (name = "audit", description = "The append-only audit log of writes, denied attempts and reads of personal data."),
        (name = "operations", description = "Health probes and metrics for orchestrators, load balancers and monitoring."),
        (name = "local-bank", description = "The public local bank of services (bank usług lokalnych): the whole local offer, active services with the offers of active providers and whether the CUS funds them; anonymous, cacheable, `updated_since` for incremental sync."),
        (name = "hsds", description = "The public catalogue as an HSDS 3.0 API (Open Referral Human Services Data Specification, `/hsds/...`): active services with cost options and their area and target groups as taxonomy terms, active providers as organizations; paged by number as HSDS defines, anonymous, cacheable.")
    ),
    components(schemas(crate::error::Problem, crate::error::FieldError))
)]
pub struct ApiDoc;

/// Every operation of the document.
pub fn operations_mut(api: &mut utoipa::openapi::OpenApi) -> impl Iterator<Item = &mut Operation> {
    api.paths.paths.values_mut().flat_map(|item| {
        [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten()
    })
}

/// Makes the generated document say what the server enforces where the derive cannot.
pub fn refine(api: &mut utoipa::openapi::OpenApi) {
    required_fields_are_not_null(api);
    constrain_shared_parameters(api);
    document_input_limits(api);
    drop_unreferenced_schemas(api);
}

/// utoipa registers the item type of a generic page as a component even where it inlines that
/// type into the page (a type with a flattened member), leaving a schema nothing refers to; the
/// consumers' linters flag those, so the document keeps only what it references.
fn drop_unreferenced_schemas(api: &mut utoipa::openapi::OpenApi) {
    let Some(components) = api.components.as_mut() else { return };
    let (Ok(paths), Ok(responses)) = (serde_json::to_value(&api.paths), serde_json::to_value(&components.responses))
    else {
        return;
    };
    let mut reached: HashSet<String> = HashSet::new();
    let mut pending = vec![paths, responses];
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(map) => {
                for (key, member) in map {
                    match (key.as_str(), &member) {
                        ("$ref", Value::String(target)) => {
                            let name = target.trim_start_matches("#/components/schemas/").to_owned();
                            if let Some(schema) = components.schemas.get(&name) {
                                if reached.insert(name) {
                                    pending.extend(serde_json::to_value(schema).ok());
                                }
                            }
                        }
                        _ => pending.push(member),
                    }
                }
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    components.schemas.retain(|name, _| reached.contains(name));
}

/// Writes the limits of `domain::limits`, which the JSON reader enforces on every request body,
/// into the request schemas: `maxLength` of every free text and `maxItems` of every array, by
/// member name (a tighter limit a field declares itself stays).
fn document_input_limits(api: &mut utoipa::openapi::OpenApi) {
    let Ok(mut document) = serde_json::to_value(&*api) else { return };
    let mut limits = Vec::new();
    let mut seen = HashSet::new();
    let escape = |segment: &str| segment.replace('~', "~0").replace('/', "~1");
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let content = operation["requestBody"]["content"].as_object().into_iter().flatten();
            for (media, body) in content.filter(|(media, _)| media.contains("json")) {
                let pointer = format!("/paths/{}/{method}/requestBody/content/{}/schema", escape(path), escape(media));
                collect_limits(&document, &body["schema"], pointer, "", &mut seen, &mut limits);
            }
        }
    }
    for (pointer, keyword, max) in limits {
        if let Some(Value::Object(schema)) = document.pointer_mut(&pointer) {
            let tighter = schema.get(keyword).and_then(Value::as_u64).is_some_and(|own| own <= max as u64);
            if !tighter {
                schema.insert(keyword.to_owned(), max.into());
            }
        }
    }
    if let Ok(limited) = serde_json::from_value(document) {
        *api = limited;
    }
}

/// Finds the free texts and arrays of a request schema (following `$ref`s into the components)
/// with the limit each gets: (JSON pointer, keyword, limit).
fn collect_limits(
    document: &Value,
    schema: &Value,
    pointer: String,
    member: &str,
    seen: &mut HashSet<(String, String)>,
    found: &mut Vec<(String, &'static str, usize)>,
) {
    if !seen.insert((pointer.clone(), member.to_owned())) {
        return;
    }
    if let Some(target) = schema["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
        if let Some(referenced) = document.pointer(target) {
            collect_limits(document, referenced, target.to_owned(), member, seen, found);
        }
        return;
    }
    for keyword in ["oneOf", "anyOf", "allOf"] {
        for (index, option) in schema[keyword].as_array().into_iter().flatten().enumerate() {
            collect_limits(document, option, format!("{pointer}/{keyword}/{index}"), member, seen, found);
        }
    }
    let is =
        |kind: &str| schema["type"] == kind || schema["type"].as_array().is_some_and(|t| t.iter().any(|t| t == kind));
    if is("string") && schema.get("enum").is_none() && schema.get("format").is_none() {
        found.push((pointer.clone(), "maxLength", limits::max_chars(member)));
    }
    if is("array") {
        found.push((pointer.clone(), "maxItems", limits::max_items(member)));
        collect_limits(document, &schema["items"], format!("{pointer}/items"), member, seen, found);
    }
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        collect_limits(document, property, format!("{pointer}/properties/{name}"), name, seen, found);
    }
}

/// Input fields are `Option`s so that validation can name every missing one at once, which makes
/// them nullable in the derived schemas; a required field sent as `null` is missing all the same
/// (422), so the document does not offer `null` for it.
fn required_fields_are_not_null(api: &mut utoipa::openapi::OpenApi) {
    let Some(components) = api.components.as_mut() else { return };
    for schema in components.schemas.values_mut() {
        let RefOr::T(Schema::Object(object)) = schema else { continue };
        for name in &object.required {
            if let Some(property) = object.properties.get_mut(name) {
                drop_null(property);
            }
        }
    }
}

fn drop_null(schema: &mut RefOr<Schema>) {
    let without_null = |types: &mut SchemaType| {
        if let SchemaType::Array(list) = types {
            list.retain(|kind| *kind != Type::Null);
            if let [single] = list.as_slice() {
                *types = SchemaType::Type(single.clone());
            }
        }
    };
    match schema {
        RefOr::T(Schema::Object(object)) => without_null(&mut object.schema_type),
        RefOr::T(Schema::Array(array)) => without_null(&mut array.schema_type),
        RefOr::T(Schema::OneOf(one_of)) => {
            one_of.items.retain(
                |item| !matches!(item, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null)),
            );
            if let [single] = one_of.items.as_slice() {
                *schema = single.clone();
            }
        }
        _ => {}
    }
}

/// Text without the characters `QueryParams` refuses in a query (`domain::limits::refused_character`):
/// control characters (U+0000, which PostgreSQL cannot store, among them) and bidirectional controls.
const NO_CONTROL: &str = r"^[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*$";
/// The same, holding something other than spaces.
const NO_CONTROL_NOT_BLANK: &str = r"^[^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*[^ \x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069][^\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*$";

/// The parameters every resource shares are checked by shared code (`http::extract`,
/// `http::pagination`), so their constraints are written here once, into every operation.
fn constrain_shared_parameters(api: &mut utoipa::openapi::OpenApi) {
    for operation in operations_mut(api) {
        for parameter in operation.parameters.iter_mut().flatten() {
            let RefOr::T(parameter) = parameter else { continue };
            if let Some(schema) = shared_parameter(&parameter.name, &parameter.parameter_in) {
                parameter.schema = Some(RefOr::T(Schema::Object(schema)));
            } else if let (ParameterIn::Query, Some(RefOr::T(Schema::Object(text)))) =
                (&parameter.parameter_in, &mut parameter.schema)
            {
                // Any other free text in a query: everything `QueryParams` does not refuse.
                let free_text = text.schema_type == SchemaType::Type(Type::String)
                    && text.enum_values.is_none()
                    && text.format.is_none()
                    && text.pattern.is_none();
                if free_text {
                    text.pattern = Some(NO_CONTROL.to_owned());
                }
            }
        }
    }
}

fn shared_parameter(name: &str, location: &ParameterIn) -> Option<Object> {
    let text = |min: usize, max: Option<usize>, pattern: &str| {
        ObjectBuilder::new().schema_type(Type::String).min_length(Some(min)).max_length(max).pattern(Some(pattern))
    };
    let schema = match (location, name) {
        (ParameterIn::Header, IF_MATCH) => text(1, None, r"^[\t -~]*[!-~][\t -~]*$"),
        (ParameterIn::Header, IDEMPOTENCY_KEY) => text(1, Some(IDEMPOTENCY_KEY_MAX), "^[!-~]+$"),
        (ParameterIn::Query, "cursor") => text(1, None, "^[A-Za-z0-9_-]+$"),
        (ParameterIn::Query, "q") => text(1, Some(SEARCH_MAX_CHARS), NO_CONTROL_NOT_BLANK),
        (ParameterIn::Query, "limit") => ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
            .minimum(Some(1))
            .maximum(Some(MAX_LIMIT)),
        _ => return None,
    };
    Some(schema.build())
}
