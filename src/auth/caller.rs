//! Who a request comes from: roles, the caller and the actor the audit log records. The lowest
//! layer of `auth`: the audit log and API clients depend on it, while token verification and the
//! access rules (`token`, `access`) sit above them.

use uuid::Uuid;

crate::text_enum! {
/// A role (see the domain description): `director` (dyrektor CUS), `ous` (organizator usług
/// społecznych), `kipus` (koordynator indywidualnych planów usług społecznych), `osl`
/// (organizator społeczności lokalnej), `provider` (staff of one provider, bound to its id),
/// `integrator` (a municipal system reading non-personal data), `auditor` (reads the audit log),
/// `admin` (manages accounts and API clients).
pub enum Role {
    Director,
    Ous,
    Kipus,
    Osl,
    Provider,
    Integrator,
    Auditor,
    Admin,
}
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Director,
        Role::Ous,
        Role::Kipus,
        Role::Osl,
        Role::Provider,
        Role::Integrator,
        Role::Auditor,
        Role::Admin,
    ];

    /// Roles that read residents' (or volunteers') personal data: an API client holding one works
    /// only once a director approves it.
    pub const PERSONAL_DATA: [Role; 4] = [Role::Kipus, Role::Director, Role::Ous, Role::Osl];
}

/// Why roles and a provider id cannot make one caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoleConflict {
    /// A provider's system is never also CUS staff or a municipal system: every other role is theirs.
    ProviderWithOtherRoles,
    ProviderWithoutId,
}

impl RoleConflict {
    /// The request field the conflict is about, for field errors.
    pub fn field(self) -> &'static str {
        match self {
            RoleConflict::ProviderWithOtherRoles => "roles",
            RoleConflict::ProviderWithoutId => "provider_id",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            RoleConflict::ProviderWithOtherRoles => "provider_combined",
            RoleConflict::ProviderWithoutId => "required",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            RoleConflict::ProviderWithOtherRoles => "the provider role is never combined with another role",
            RoleConflict::ProviderWithoutId => "the provider role needs a provider id",
        }
    }
}

/// The one rule on role sets, for tokens and API clients alike.
pub fn check_roles(roles: &[Role], provider_id: Option<Uuid>) -> Result<(), RoleConflict> {
    if !roles.contains(&Role::Provider) {
        return Ok(());
    }
    if roles.iter().any(|role| *role != Role::Provider) {
        return Err(RoleConflict::ProviderWithOtherRoles);
    }
    if provider_id.is_none() {
        return Err(RoleConflict::ProviderWithoutId);
    }
    Ok(())
}

/// The authenticated (or anonymous) caller of a request. Roles and provider are private, so that
/// every caller passes `Caller::new` and its rule: whoever holds the provider role is scoped to
/// its provider and holds no other role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's `sub`; `anonymous` without a token.
    pub subject: String,
    /// The API client the token was issued to, for client tokens.
    pub client_id: Option<Uuid>,
    roles: Vec<Role>,
    /// The provider a `provider` caller acts for; never set without that role.
    provider_id: Option<Uuid>,
}

impl Caller {
    /// A caller with these roles; a provider id without the provider role is dropped (identity
    /// providers may send the claim to everyone).
    pub fn new(
        subject: String,
        client_id: Option<Uuid>,
        mut roles: Vec<Role>,
        provider_id: Option<Uuid>,
    ) -> Result<Caller, RoleConflict> {
        roles.dedup();
        check_roles(&roles, provider_id)?;
        let provider_id = provider_id.filter(|_| roles.contains(&Role::Provider));
        Ok(Caller { subject, client_id, roles, provider_id })
    }

    pub fn anonymous() -> Self {
        Caller { subject: "anonymous".to_owned(), client_id: None, roles: Vec::new(), provider_id: None }
    }

    pub fn is_anonymous(&self) -> bool {
        self.roles.is_empty() && self.client_id.is_none() && self.subject == "anonymous"
    }

    pub fn roles(&self) -> &[Role] {
        &self.roles
    }

    pub fn has_any(&self, roles: &[Role]) -> bool {
        self.roles.iter().any(|role| roles.contains(role))
    }

    /// The provider whose records alone this caller may reach: set whenever it holds the provider
    /// role, so that no operation reached through that role skips the ownership checks.
    pub fn provider_scope(&self) -> Option<Uuid> {
        self.provider_id.filter(|_| self.roles.contains(&Role::Provider))
    }
}

/// A caller together with what the audit log records about the request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub caller: Caller,
    pub request_id: Option<String>,
    pub source_address: Option<String>,
}

impl Actor {
    /// Scope of per-caller records such as idempotency keys.
    pub fn key_scope(&self) -> String {
        match self.caller.client_id {
            Some(client) => format!("client:{client}"),
            None => format!("subject:{}", self.caller.subject),
        }
    }
}
