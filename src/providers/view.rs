//! The view policy of the registry, in one place: which providers, and which of their details,
//! each caller may see, and which records a provider caller may change.

use uuid::Uuid;

use super::dto::ProviderStatus;
use super::model::{self, ProviderRow};
use crate::audit::{self, Event};
use crate::auth::{Actor, Caller, Role};
use crate::db::DbConnection;
use crate::error::ApiResult;

/// What a caller may see of the registry.
pub(super) struct View {
    pub(super) statuses: &'static [ProviderStatus],
    /// Contact persons (personal data) of every visible provider.
    pub(super) persons: bool,
    /// A provider caller's own record: visible whatever its status, with contact persons.
    pub(super) own: Option<Uuid>,
}

const ALL_STATUSES: &[ProviderStatus] = &[ProviderStatus::Active, ProviderStatus::Suspended, ProviderStatus::Archived];

/// A provider caller's view is decided first: whoever holds the provider role sees as a provider.
/// Contact persons (personal data) are for those who commission and coordinate with providers
/// (director, OUS, KIPUS); the OSL (community organising) and the admin (accounts, not the
/// registry) see the registry in every status without them.
pub(super) fn view_for(caller: &Caller) -> View {
    if let Some(own) = caller.provider_scope() {
        View { statuses: &[ProviderStatus::Active], persons: false, own: Some(own) }
    } else if caller.has_any(&[Role::Director, Role::Ous, Role::Kipus]) {
        View { statuses: ALL_STATUSES, persons: true, own: None }
    } else if caller.has_any(&[Role::Integrator, Role::Auditor, Role::Osl, Role::Admin]) {
        View { statuses: ALL_STATUSES, persons: false, own: None }
    } else {
        View { statuses: &[ProviderStatus::Active], persons: false, own: None }
    }
}

impl View {
    pub(super) fn is_own(&self, row: &ProviderRow) -> bool {
        self.own.is_some_and(|own| row.id == own.into())
    }

    pub(super) fn can_see(&self, row: &ProviderRow) -> bool {
        self.is_own(row) || self.statuses.contains(&row.status)
    }

    pub(super) fn shows_persons(&self, row: &ProviderRow) -> bool {
        self.persons || self.is_own(row)
    }
}

/// Loads a provider the caller may see (404 otherwise).
pub(super) fn visible(conn: &mut DbConnection, view: &View, id: Uuid) -> ApiResult<ProviderRow> {
    let row = model::find(conn, id)?;
    if !view.can_see(&row) {
        return Err(model::NOT_FOUND);
    }
    Ok(row)
}

/// For writes a provider caller may make: only on its own record. Another provider's record is a
/// 404, as an unknown id is (the contract's rule for records of others).
pub(super) fn ensure_writable(caller: &Caller, id: Uuid) -> ApiResult<()> {
    match caller.provider_scope() {
        Some(own) if own != id => Err(model::NOT_FOUND),
        _ => Ok(()),
    }
}

/// A write on provider `id`'s record or its offers, as one audited transaction: `ensure_writable`
/// first, so that a provider caller's attempt on another's is refused and audited as a failure.
pub(super) fn audited_write<T>(
    conn: &mut DbConnection,
    actor: &Actor,
    event: Event,
    id: Uuid,
    work: impl FnOnce(&mut DbConnection) -> ApiResult<T>,
) -> ApiResult<T> {
    audit::audited(conn, actor, event, |conn| {
        ensure_writable(&actor.caller, id)?;
        work(conn)
    })
}
