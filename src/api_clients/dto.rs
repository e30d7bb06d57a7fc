//! What administrators send and receive about API clients.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::auth::caller::Role;
use crate::domain::lifecycle::Lifecycle;
use crate::error::ApiResult;
use crate::validation::FieldErrors;

crate::text_enum! {
/// `active` clients obtain tokens; `pending` ones (personal-data roles) not until a director
/// approves them; `revoked` ones never again, and their tokens stop working.
pub enum ClientStatus {
    Pending,
    Active,
    Revoked,
}
}

crate::text_enum! {
/// What can happen to a client.
pub enum ClientAction {
    Approve,
    RotateSecret,
    Revoke,
}
}

impl Lifecycle for ClientStatus {
    type Action = ClientAction;

    fn allowed_actions(self) -> &'static [ClientAction] {
        match self {
            ClientStatus::Pending => &[ClientAction::Approve, ClientAction::RotateSecret, ClientAction::Revoke],
            ClientStatus::Active => &[ClientAction::RotateSecret, ClientAction::Revoke],
            ClientStatus::Revoked => &[],
        }
    }

    fn after(self, action: ClientAction) -> ClientStatus {
        match action {
            ClientAction::Approve => ClientStatus::Active,
            ClientAction::RotateSecret => self,
            ClientAction::Revoke => ClientStatus::Revoked,
        }
    }
}

/// A registered API client. The secret is never shown again after creation or rotation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-0000-7000-8000-000000000001",
    "name": "Fundacja Pomocy Seniorom: system sprawozdań",
    "roles": ["provider"],
    "provider_id": "0193a5f2-0000-7000-8000-0000000000aa",
    "status": "active",
    "secret_rotated_at": "2026-11-26T10:00:00Z",
    "revoked_at": null,
    "requested_by": "jan.kowalski",
    "approved_by": null,
    "approved_at": null,
    "created_at": "2026-11-26T10:00:00Z",
    "updated_at": "2026-11-26T10:00:00Z",
    "version": 1
}))]
pub struct ApiClient {
    /// The `client_id` to send to the token endpoint.
    pub id: Uuid,
    pub name: String,
    pub roles: Vec<Role>,
    pub provider_id: Option<Uuid>,
    pub status: ClientStatus,
    pub secret_rotated_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Subject of whoever registered the client (`cli:<user>` at the command line); unknown for
    /// clients registered before this was recorded.
    pub requested_by: Option<String>,
    /// Subject of the director who approved a client with a personal-data role.
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

/// A client with its new secret: returned once, on creation and on rotation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "client": {"id": "0193a5f2-0000-7000-8000-000000000001", "name": "System sprawozdań", "roles": ["provider"],
        "provider_id": "0193a5f2-0000-7000-8000-0000000000aa", "status": "active", "secret_rotated_at": "2026-11-26T10:00:00Z",
        "revoked_at": null, "requested_by": "jan.kowalski", "approved_by": null, "approved_at": null, "created_at": "2026-11-26T10:00:00Z", "updated_at": "2026-11-26T10:00:00Z", "version": 1},
    "client_secret": "cus_3q2-7wX0pYc1Qm4N0b8kUu3vHc5s9Ea2GkVtZr6JfLo"
}))]
pub struct ApiClientWithSecret {
    pub client: ApiClient,
    /// Store it now: only a slow hash of it is kept.
    pub client_secret: String,
}

/// A new API client.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Fundacja Pomocy Seniorom: system sprawozdań", "roles": ["provider"], "provider_id": "0193a5f2-0000-7000-8000-0000000000aa"}))]
pub struct NewApiClient {
    #[validate(length(min = 1, max = 200))]
    #[schema(required = true, max_length = 200)]
    pub name: Option<String>,
    /// At least one role. `provider` is never combined with another role; `kipus`, `director`,
    /// `ous` and `osl` (personal data) make the client `pending` until a director approves it.
    #[schema(required = true, value_type = Option<Vec<Role>>)]
    pub roles: Option<Vec<String>>,
    /// Required with the `provider` role, and only with it; a provider of the registry.
    pub provider_id: Option<Uuid>,
}

/// A validated new client.
#[derive(Debug, Clone)]
pub struct ClientDraft {
    pub name: String,
    pub roles: Vec<Role>,
    pub provider_id: Option<Uuid>,
}

impl NewApiClient {
    pub fn validate_draft(self) -> ApiResult<ClientDraft> {
        let mut errors = FieldErrors::new();
        errors.check(&self);
        let name = errors.required("name", self.name.as_deref().map(str::trim)).filter(|name| !name.is_empty());
        let roles = errors.required("roles", self.roles.as_deref()).and_then(|names| {
            if names.is_empty() {
                errors.add("roles", "length", "give at least one role");
                return None;
            }
            let parsed: Vec<Option<Role>> = names
                .iter()
                .enumerate()
                .map(|(i, name)| errors.parse_enum::<Role>(&format!("roles[{i}]"), Some(name)))
                .collect();
            parsed.into_iter().collect::<Option<Vec<Role>>>()
        });
        if let Some(roles) = &roles {
            if let Err(conflict) = crate::auth::caller::check_roles(roles, self.provider_id) {
                errors.add(conflict.field(), conflict.code(), conflict.message());
            } else if !roles.contains(&Role::Provider) && self.provider_id.is_some() {
                errors.add("provider_id", "not_allowed", "provider_id is only for clients with the provider role");
            }
        }
        errors.finish(|| {
            let mut roles = roles?;
            roles.dedup();
            Some(ClientDraft { name: name?.to_owned(), roles, provider_id: self.provider_id })
        })
    }
}

/// Paging of the client list (oldest first).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ApiClientQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    pub status: Option<ClientStatus>,
    /// Only clients changed at or after this time.
    #[param(example = "2026-11-01T00:00:00Z")]
    pub updated_since: Option<DateTime<Utc>>,
}
