//! Registry queries, written once for both backends.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use uuid::Uuid;

use super::dto::{
    Contact, LegalForm, Provider, ProviderAction, ProviderDraft, ProviderListQuery, ProviderSortField, ProviderStatus,
    PublicBenefitStanding, StatusDates,
};
use crate::clock;
use crate::db::schema::{provider_offers, providers};
use crate::db::{DbConnection, Id};
use crate::domain::lifecycle::Lifecycle;
use crate::domain::{text, Address, Krs, Nip};
use crate::error::{ApiError, ApiResult};
use crate::http::etag::etag;
use crate::http::extract::IfMatch;
use crate::http::pagination::{time_key, Cursor, Sort};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = providers, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct ProviderRow {
    pub id: Id,
    pub name: String,
    pub short_name: Option<String>,
    pub legal_form: LegalForm,
    pub nip: Option<String>,
    pub regon: Option<String>,
    pub krs: Option<String>,
    pub street: Option<String>,
    pub building: String,
    pub postal_code: String,
    pub city: String,
    pub teryt: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub contact_persons: String,
    pub areas: String,
    pub description: String,
    pub status: ProviderStatus,
    pub search_text: String,
    pub name_sort_key: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub statutory_art_3_3: bool,
    /// Derived from the form (and the statute flag) on every write, stored for filters and figures.
    pub public_benefit_standing: PublicBenefitStanding,
    pub legal_form_needs_review: bool,
    pub public_benefit_organisation_since: Option<NaiveDate>,
    pub social_economy_entity: bool,
    pub social_enterprise_since: Option<NaiveDate>,
    /// JSON array of units (kind, name, address).
    pub units: String,
}

pub const NOT_FOUND: ApiError = ApiError::NotFound { resource: "provider" };

impl ProviderRow {
    fn new(id: Uuid, draft: ProviderDraft) -> Self {
        let now = clock::now();
        let mut row = ProviderRow {
            id: id.into(),
            name: String::new(),
            short_name: None,
            legal_form: draft.legal_form,
            nip: None,
            regon: None,
            krs: None,
            street: None,
            building: String::new(),
            postal_code: String::new(),
            city: String::new(),
            teryt: None,
            email: None,
            phone: None,
            website: None,
            contact_persons: "[]".to_owned(),
            areas: "[]".to_owned(),
            description: String::new(),
            status: ProviderStatus::Active,
            search_text: String::new(),
            name_sort_key: String::new(),
            created_at: now,
            updated_at: now,
            version: 1,
            statutory_art_3_3: false,
            public_benefit_standing: PublicBenefitStanding::None,
            legal_form_needs_review: false,
            public_benefit_organisation_since: None,
            social_economy_entity: false,
            social_enterprise_since: None,
            units: "[]".to_owned(),
        };
        row.set(draft);
        row
    }

    /// Writes a validated draft into the row, with the derived standing and search and sort keys.
    fn set(&mut self, draft: ProviderDraft) {
        let areas: Vec<&str> = draft.areas.iter().map(AsRef::as_ref).collect();
        self.search_text = text::fold(&format!("{} {}", draft.name, draft.short_name.as_deref().unwrap_or_default()));
        self.name_sort_key = text::polish_sort_key(&draft.name);
        self.name = draft.name;
        self.short_name = draft.short_name;
        self.legal_form = draft.legal_form;
        self.statutory_art_3_3 = draft.statutory_art_3_3;
        self.public_benefit_standing = draft.legal_form.standing(draft.statutory_art_3_3);
        self.public_benefit_organisation_since = draft.statuses.public_benefit_organisation_since;
        self.social_economy_entity = draft.statuses.social_economy_entity;
        self.social_enterprise_since = draft.statuses.social_enterprise_since;
        self.units = serde_json::to_string(&draft.units).unwrap_or_else(|_| "[]".to_owned());
        self.nip = draft.nip.map(|nip| nip.as_str().to_owned());
        self.regon = draft.regon.map(|regon| regon.as_str().to_owned());
        self.krs = draft.krs.map(|krs| krs.as_str().to_owned());
        self.street = draft.address.street;
        self.building = draft.address.building.unwrap_or_default();
        self.postal_code = draft.address.postal_code.unwrap_or_default();
        self.city = draft.address.city.unwrap_or_default();
        self.teryt = draft.address.teryt;
        self.email = draft.contact.email;
        self.phone = draft.contact.phone;
        self.website = draft.contact.website;
        self.contact_persons = serde_json::to_string(&draft.contact_persons).unwrap_or_else(|_| "[]".to_owned());
        self.areas = serde_json::to_string(&areas).unwrap_or_else(|_| "[]".to_owned());
        self.description = draft.description;
    }

    pub fn etag(&self) -> String {
        etag(self.version)
    }

    /// The representation; contact persons only when the caller may see personal data.
    pub fn to_dto(&self, with_persons: bool) -> ApiResult<Provider> {
        let stored = |what: &str| ApiError::internal(format!("stored provider {what} is unreadable"));
        let area_names: Vec<String> = serde_json::from_str(&self.areas).map_err(|_| stored("areas"))?;
        Ok(Provider {
            id: self.id.into(),
            name: self.name.clone(),
            short_name: self.short_name.clone(),
            legal_form: self.legal_form,
            statutory_art_3_3: self.statutory_art_3_3,
            public_benefit_standing: self.public_benefit_standing,
            legal_form_needs_review: self.legal_form_needs_review,
            statuses: StatusDates {
                public_benefit_organisation_since: self.public_benefit_organisation_since,
                social_economy_entity: self.social_economy_entity,
                social_enterprise_since: self.social_enterprise_since,
            }
            .to_dto(),
            units: serde_json::from_str(&self.units).map_err(|_| stored("units"))?,
            nip: self.nip.clone(),
            regon: self.regon.clone(),
            krs: self.krs.clone(),
            address: Address {
                street: self.street.clone(),
                building: Some(self.building.clone()),
                postal_code: Some(self.postal_code.clone()),
                city: Some(self.city.clone()),
                teryt: self.teryt.clone(),
            },
            contact: Contact { email: self.email.clone(), phone: self.phone.clone(), website: self.website.clone() },
            contact_persons: if with_persons {
                Some(serde_json::from_str(&self.contact_persons).map_err(|_| stored("contact persons"))?)
            } else {
                None
            },
            areas: area_names.iter().map(|name| name.parse().map_err(|_| stored("area"))).collect::<ApiResult<_>>()?,
            description: self.description.clone(),
            status: self.status,
            created_at: clock::utc(self.created_at),
            updated_at: clock::utc(self.updated_at),
            version: self.version,
        })
    }

    pub fn position(&self, sort: ProviderSortField) -> (String, String) {
        let key = match sort {
            ProviderSortField::Name => self.name_sort_key.clone(),
            ProviderSortField::UpdatedAt => time_key(self.updated_at),
        };
        (key, self.id.to_string())
    }
}

pub fn find(conn: &mut DbConnection, id: Uuid) -> ApiResult<ProviderRow> {
    providers::table.find(Id::from(id)).select(ProviderRow::as_select()).first(conn).optional()?.ok_or(NOT_FOUND)
}

/// The living (not archived) provider with this NIP or KRS, if any.
pub fn find_by_identifiers(
    conn: &mut DbConnection,
    nip: Option<&str>,
    krs: Option<&str>,
) -> ApiResult<Option<ProviderRow>> {
    if nip.is_none() && krs.is_none() {
        return Ok(None);
    }
    let living = providers::table.filter(providers::status.ne(ProviderStatus::Archived.as_ref()));
    let by_nip = providers::nip.eq(nip.unwrap_or_default()).and(providers::nip.is_not_null());
    let by_krs = providers::krs.eq(krs.unwrap_or_default()).and(providers::krs.is_not_null());
    Ok(living.filter(by_nip.or(by_krs)).select(ProviderRow::as_select()).first(conn).optional()?)
}

/// NIP and KRS are unique among living providers: 409 naming the one that holds them.
fn ensure_identifiers_free(conn: &mut DbConnection, row: &ProviderRow) -> ApiResult<()> {
    for (field, value) in [("nip", &row.nip), ("krs", &row.krs)] {
        let Some(value) = value else { continue };
        let column_matches = match field {
            "nip" => providers::table.filter(providers::nip.eq(value)).into_boxed(),
            _ => providers::table.filter(providers::krs.eq(value)).into_boxed(),
        };
        let existing: Option<String> = column_matches
            .filter(providers::status.ne(ProviderStatus::Archived.as_ref()))
            .filter(providers::id.ne(&row.id))
            .select(providers::id)
            .first(conn)
            .optional()?;
        if let Some(existing_id) = existing {
            return Err(ApiError::conflict(
                if field == "nip" { "duplicate-nip" } else { "duplicate-krs" },
                format!("another provider in the registry already has this {}", field.to_uppercase()),
            )
            .with("field", field)
            .with("existing_id", existing_id));
        }
    }
    Ok(())
}

pub fn insert(conn: &mut DbConnection, id: Uuid, draft: ProviderDraft) -> ApiResult<ProviderRow> {
    let row = ProviderRow::new(id, draft);
    ensure_identifiers_free(conn, &row)?;
    diesel::insert_into(providers::table).values(&row).execute(conn)?;
    Ok(row)
}

/// Saves a changed row only if nobody changed it since it was read.
fn save(conn: &mut DbConnection, row: ProviderRow) -> ApiResult<ProviderRow> {
    crate::save_versioned!(conn, providers, row, NOT_FOUND)
}

/// Applies a change computed from the current record (a merge patch) under `If-Match`.
/// `confirms_form`: the change sends `legal_form`, which settles a review the migration asked for.
pub fn update(
    conn: &mut DbConnection,
    id: Uuid,
    if_match: &IfMatch,
    confirms_form: bool,
    change: impl FnOnce(&Provider) -> ApiResult<ProviderDraft>,
) -> ApiResult<ProviderRow> {
    let mut row = find(conn, id)?;
    if_match.require(row.etag())?;
    let draft = change(&row.to_dto(true)?)?;
    row.set(draft);
    row.legal_form_needs_review &= !confirms_form;
    ensure_identifiers_free(conn, &row)?;
    save(conn, row)
}

/// Replaces a living record's fields with an imported row, keeping its contact persons when the
/// row has none (CSV rows never do), and its units likewise. An imported row always states the form, so it confirms it.
pub fn replace_from_import(
    conn: &mut DbConnection,
    mut row: ProviderRow,
    mut draft: ProviderDraft,
) -> ApiResult<ProviderRow> {
    if draft.contact_persons.is_empty() {
        draft.contact_persons = serde_json::from_str(&row.contact_persons).unwrap_or_default();
    }
    if draft.units.is_empty() {
        draft.units = serde_json::from_str(&row.units).unwrap_or_default();
    }
    row.set(draft);
    row.legal_form_needs_review = false;
    ensure_identifiers_free(conn, &row)?;
    save(conn, row)
}

pub fn transition(conn: &mut DbConnection, id: Uuid, action: ProviderAction) -> ApiResult<ProviderRow> {
    let mut row = find(conn, id)?;
    row.status = row.status.transition(action)?;
    // An archived record's NIP or KRS may have been registered again meanwhile.
    ensure_identifiers_free(conn, &row)?;
    save(conn, row)
}

/// The statuses and (for a provider caller) the one provider a list may show.
pub struct Visibility<'a> {
    pub statuses: &'a [ProviderStatus],
    /// Also show this provider whatever its status (a provider's own record).
    pub own: Option<Uuid>,
}

/// One page (plus one row) of the filtered registry.
pub fn list(
    conn: &mut DbConnection,
    filter: &ProviderListQuery,
    visibility: &Visibility,
    sort: Sort<ProviderSortField>,
    cursor: Option<&Cursor>,
    limit: u32,
) -> ApiResult<Vec<ProviderRow>> {
    let statuses = visibility.statuses;
    let mut query = providers::table.select(ProviderRow::as_select()).into_boxed();
    query = match visibility.own {
        Some(own) => query.filter(providers::status.eq_any(statuses).or(providers::id.eq(Id::from(own)))),
        None => query.filter(providers::status.eq_any(statuses)),
    };
    if let Some(q) = filter.q.as_deref().map(str::trim) {
        // A NIP or KRS as typed finds its provider exactly; anything else searches the names.
        query = match (Nip::parse(q), Krs::parse(q)) {
            (Ok(nip), _) => query.filter(providers::nip.eq(nip.as_str().to_owned())),
            (_, Ok(krs)) => query.filter(providers::krs.eq(krs.as_str().to_owned())),
            _ => query.filter(providers::search_text.like(text::like_contains(&text::fold(q))).escape('\\')),
        };
    }
    if let Some(form) = filter.legal_form {
        query = query.filter(providers::legal_form.eq(form));
    }
    if let Some(status) = filter.status {
        query = query.filter(providers::status.eq(status));
    }
    if let Some(area) = filter.area {
        query = query.filter(providers::areas.like(format!("%\"{}\"%", area.as_ref())));
    }
    if let Some(service) = filter.service_id {
        let offering = provider_offers::table
            .filter(provider_offers::service_id.eq(Id::from(service)))
            .select(provider_offers::provider_id);
        query = query.filter(providers::id.eq_any(offering));
    }
    if let Some(teryt) = &filter.teryt {
        query = query.filter(providers::teryt.eq(teryt.clone()));
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(providers::updated_at.ge(since.naive_utc()));
    }
    let cursor_id = cursor.map(|c| c.id.clone());
    let query = match sort.field {
        ProviderSortField::Name => crate::keyset!(
            query,
            providers::name_sort_key,
            providers::id,
            cursor.map(|c| c.key.clone()),
            cursor_id,
            sort.descending
        ),
        ProviderSortField::UpdatedAt => {
            let key = cursor.map(Cursor::time_key).transpose()?;
            crate::keyset!(query, providers::updated_at, providers::id, key, cursor_id, sort.descending)
        }
    };
    Ok(query.limit(i64::from(limit) + 1).load(conn)?)
}
