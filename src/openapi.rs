//! The OpenAPI 3.1 document's frame; operations and schemas are collected from the handlers.

use utoipa::OpenApi;

/// cus-api: the open, headless API of a Centrum Usług Społecznych.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "cus-api",
        description = "Open, headless REST/JSON API of a municipal social services centre (Centrum Usług Społecznych, \
act of 19 July 2019): the local bank of social services, providers, commissions and their reports, residents and their \
individual service plans.\n\n\
Conventions: JSON with snake_case fields; ids are UUIDs; timestamps RFC 3339 UTC; money a decimal string with two places \
(PLN). Collections use cursor pagination (`limit`, `cursor`, `next_cursor`, `Link: rel=\"next\"`), filters named after \
fields, `q` for case- and diacritic-insensitive search, `sort` with `-` for descending order, and reject unknown \
parameters. Every record has `version`; its ETag is the version; PATCH (JSON merge patch) and DELETE require `If-Match`. \
Any POST accepts `Idempotency-Key` (replayed for 24 hours). Errors are RFC 9457 problem details \
(`application/problem+json`) with a stable `code` and every invalid field in `errors`. Every response carries \
`X-Request-Id`.\n\n\
Authentication: `Authorization: Bearer <JWT>`, either a token of the municipality's identity provider or one obtained \
from `POST /api/v1/auth/token` by a registered API client. Each operation states the roles that may call it. A \
`provider` caller reaches only its own provider's records: others are 404, not 403.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
        version = env!("CARGO_PKG_VERSION")
    ),
    tags(
        (name = "services", description = "The catalogue of the local bank of social services (katalog usług społecznych, art. 2 of the CUS act)."),
        (name = "providers", description = "The registry of providers (NGOs, social-economy entities, public units, companies) and what each can deliver (offers)."),
        (name = "commissions", description = "Commissions (zlecenia realizacji usług społecznych): a service commissioned to a provider for a period and budget, with annexes and a summary."),
        (name = "reports", description = "Provider reports (sprawozdania) on commissions: submission with Idempotency-Key, review, corrections as versions."),
        (name = "residents", description = "Residents: the most sensitive data (health, disability, family). Field-level views per role; every read and write audited; GDPR export and anonymisation."),
        (name = "service-plans", description = "Individual plans of social services (IPUS): goals, items from providers, consent, approval, monitoring, revisions, closure; plan items and deliveries for providers."),
        (name = "auth", description = "Tokens for API clients (OAuth 2.0 client credentials). People use tokens of the municipality's identity provider."),
        (name = "api-clients", description = "Registration of systems (NGO partner systems, municipal integrations) that call the API."),
        (name = "audit", description = "The append-only audit log of writes, denied attempts and reads of personal data."),
        (name = "operations", description = "Health probes and metrics for orchestrators, load balancers and monitoring.")
    ),
    components(schemas(crate::error::Problem, crate::error::FieldError))
)]
pub struct ApiDoc;
