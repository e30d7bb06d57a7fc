//! Diagnoses' API vocabulary: the diagnosis as staff read it, what they send, and its validation
//! into a `DiagnosisDraft`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use strum::AsRefStr;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidateUrl};

use crate::domain::lifecycle::Lifecycle;
use crate::domain::period::parse_date;
use crate::domain::text::clean;
use crate::domain::ServiceArea;
use crate::error::ApiResult;
use crate::http::merge_patch;
use crate::services::dto::TargetGroup;
use crate::validation::FieldErrors;

crate::text_enum! {
/// `draft`: being prepared, changed by `PATCH`; `adopted`: the diagnosis a programme of social
/// services may rest on, changed only by superseding it; `superseded`: replaced by a newer one,
/// kept for the record. Changed only by the `adopt` and `supersede` actions.
pub enum DiagnosisStatus {
    Draft,
    Adopted,
    Superseded,
}
}

/// A state change of a diagnosis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, AsRefStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DiagnosisAction {
    Adopt,
    Supersede,
}

impl Lifecycle for DiagnosisStatus {
    type Action = DiagnosisAction;

    fn allowed_actions(self) -> &'static [DiagnosisAction] {
        match self {
            DiagnosisStatus::Draft => &[DiagnosisAction::Adopt],
            DiagnosisStatus::Adopted => &[DiagnosisAction::Supersede],
            DiagnosisStatus::Superseded => &[],
        }
    }

    fn after(self, action: DiagnosisAction) -> DiagnosisStatus {
        match action {
            DiagnosisAction::Adopt => DiagnosisStatus::Adopted,
            DiagnosisAction::Supersede => DiagnosisStatus::Superseded,
        }
    }
}

/// How long an adopted diagnosis serves: it is renewed at least every 5 years (the pilots'
/// practice under art. 13 ust. 1).
pub const RENEWAL_MONTHS: u32 = 60;

/// The public consultation of the diagnosis: the days it ran, both included, and how it was held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Consultation {
    #[schema(example = "2026-03-01")]
    pub from: NaiveDate,
    #[schema(example = "2026-03-21")]
    pub to: NaiveDate,
    #[schema(example = "Ankieta online i spotkanie otwarte w Urzędzie Miasta")]
    pub how: String,
}

/// The adopted document, kept elsewhere: where it is and the SHA-256 of the file, so that a
/// reader can check it is the one adopted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DiagnosisDocument {
    #[schema(example = "https://bip.starachowice.eu/diagnoza-2026.pdf")]
    pub url: String,
    /// 64 lowercase hexadecimal digits.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub sha256: String,
}

/// A need the diagnosis found, with the indicator that shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Need {
    pub area: ServiceArea,
    pub target_group: TargetGroup,
    #[schema(example = "Osoby 75+ mieszkające samotnie")]
    pub indicator: String,
    /// As the document states it, a number or a description (`"412"`, `"12,5%"`, `"rośnie"`):
    /// text, so that no figure is rounded on the way.
    #[schema(example = "412")]
    pub value: String,
    #[schema(example = "GUS BDL 2025; ankieta mieszkańców")]
    pub source: String,
}

/// A diagnosis of needs and potential (diagnoza potrzeb i potencjału społeczności lokalnej,
/// CUS act art. 13 ust. 1).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a5f2-0000-7000-8000-000000000031", "title": "Diagnoza potrzeb i potencjału Starachowic 2026",
    "municipality_ids": ["0193a5f2-0000-7000-8000-000000000021"],
    "methods": ["analiza danych zastanych", "ankieta", "wywiady"],
    "consultation": {"from": "2026-03-01", "to": "2026-03-21", "how": "Ankieta online i spotkanie otwarte"},
    "document": {"url": "https://bip.starachowice.eu/diagnoza-2026.pdf", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
    "needs": [{"area": "social_assistance", "target_group": "special_needs_group", "indicator": "Osoby 75+ mieszkające samotnie", "value": "412", "source": "GUS BDL 2025"}],
    "resources": ["12 organizacji pozarządowych", "Klub Seniora"], "gaps": ["brak opieki wytchnieniowej"],
    "status": "adopted", "adopted_on": "2026-04-15", "next_due_on": "2031-04-15", "overdue": false,
    "created_at": "2026-02-01T09:00:00Z", "updated_at": "2026-04-15T09:00:00Z", "version": 3
}))]
pub struct Diagnosis {
    pub id: Uuid,
    pub title: String,
    /// The gminas covered, as registered in `/api/v1/municipalities`.
    pub municipality_ids: Vec<Uuid>,
    /// How it was made: desk research, a survey, interviews...
    pub methods: Vec<String>,
    pub consultation: Option<Consultation>,
    pub document: Option<DiagnosisDocument>,
    pub needs: Vec<Need>,
    /// The potential found: organisations, volunteers, premises...
    pub resources: Vec<String>,
    /// What the community lacks.
    pub gaps: Vec<String>,
    pub status: DiagnosisStatus,
    /// Set by the `adopt` action.
    pub adopted_on: Option<NaiveDate>,
    /// `adopted_on` + 5 years: when a new diagnosis is due.
    pub next_due_on: Option<NaiveDate>,
    /// Adopted, and today (Polish calendar) is after `next_due_on`.
    pub overdue: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// +1 on every change; the ETag.
    pub version: i64,
}

/// The writable fields of a diagnosis, as sent on create.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Diagnoza potrzeb i potencjału Starachowic 2026",
    "municipality_ids": ["0193a5f2-0000-7000-8000-000000000021"],
    "methods": ["analiza danych zastanych", "ankieta", "wywiady"],
    "consultation": {"from": "2026-03-01", "to": "2026-03-21", "how": "Ankieta online i spotkanie otwarte"},
    "document": {"url": "https://bip.starachowice.eu/diagnoza-2026.pdf", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
    "needs": [{"area": "social_assistance", "target_group": "special_needs_group", "indicator": "Osoby 75+ mieszkające samotnie", "value": "412", "source": "GUS BDL 2025"}],
    "resources": ["12 organizacji pozarządowych"], "gaps": ["brak opieki wytchnieniowej"]
}))]
pub struct DiagnosisInput {
    #[validate(length(max = 300))]
    #[schema(required = true, max_length = 300)]
    pub title: Option<String>,
    /// One or more distinct registered municipalities (422 `unknown_municipality` at the index
    /// of one that is not).
    #[schema(required = true)]
    pub municipality_ids: Option<Vec<Uuid>>,
    pub methods: Option<Vec<String>>,
    /// Needed to adopt.
    pub consultation: Option<ConsultationInput>,
    /// Needed to adopt.
    pub document: Option<DocumentInput>,
    /// At least one needed to adopt.
    pub needs: Option<Vec<NeedInput>>,
    pub resources: Option<Vec<String>>,
    pub gaps: Option<Vec<String>>,
}

/// A consultation as sent; `to` may not be before `from` (422 `period_order`).
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsultationInput {
    #[schema(required = true, value_type = Option<String>, format = Date, example = "2026-03-01")]
    pub from: Option<String>,
    #[schema(required = true, value_type = Option<String>, format = Date, example = "2026-03-21")]
    pub to: Option<String>,
    #[schema(required = true, example = "Ankieta online i spotkanie otwarte")]
    pub how: Option<String>,
}

/// A document as sent: an `https` URL (422 `invalid_url`) and the file's SHA-256 as 64
/// lowercase hexadecimal digits (422 `invalid_sha256`).
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    #[schema(required = true, example = "https://bip.starachowice.eu/diagnoza-2026.pdf")]
    pub url: Option<String>,
    #[schema(required = true, example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub sha256: Option<String>,
}

/// A need as sent; every member required.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedInput {
    #[schema(required = true, value_type = Option<ServiceArea>)]
    pub area: Option<String>,
    #[schema(required = true, value_type = Option<TargetGroup>)]
    pub target_group: Option<String>,
    #[schema(required = true, example = "Osoby 75+ mieszkające samotnie")]
    pub indicator: Option<String>,
    /// Text: a figure as the document states it, or a description.
    #[schema(required = true, example = "412")]
    pub value: Option<String>,
    #[schema(required = true, example = "GUS BDL 2025")]
    pub source: Option<String>,
}

/// A validated diagnosis, ready to be stored once its municipalities are known to be registered.
#[derive(Debug, Clone)]
pub struct DiagnosisDraft {
    pub title: String,
    pub municipality_ids: Vec<Uuid>,
    pub methods: Vec<String>,
    pub consultation: Option<Consultation>,
    pub document: Option<DiagnosisDocument>,
    pub needs: Vec<Need>,
    pub resources: Vec<String>,
    pub gaps: Vec<String>,
}

/// The longest item of a text list (a method, a resource, a gap) and of a need's members.
const MAX_ITEM_CHARS: usize = 1000;

impl DiagnosisInput {
    /// Checks every field and reports every problem at once.
    pub fn validate_draft(self) -> ApiResult<DiagnosisDraft> {
        let mut errors = FieldErrors::new();
        errors.check(&self);
        let title = errors.required("title", clean(self.title.as_deref()));
        let municipality_ids = parse_municipality_ids(&mut errors, self.municipality_ids);
        let methods = text_list(&mut errors, "methods", self.methods);
        let consultation = self.consultation.and_then(|c| parse_consultation(&mut errors, c));
        let document = self.document.and_then(|d| parse_document(&mut errors, d));
        let needs: Vec<Option<Need>> = (self.needs.unwrap_or_default().into_iter().enumerate())
            .map(|(index, need)| parse_need(&mut errors, &format!("needs[{index}]"), need))
            .collect();
        let resources = text_list(&mut errors, "resources", self.resources);
        let gaps = text_list(&mut errors, "gaps", self.gaps);
        errors.finish(|| {
            Some(DiagnosisDraft {
                title: title?,
                municipality_ids: municipality_ids?,
                methods: methods?,
                consultation,
                document,
                needs: needs.into_iter().collect::<Option<_>>()?,
                resources: resources?,
                gaps: gaps?,
            })
        })
    }
}

/// A required text of at most `MAX_ITEM_CHARS`: `required` when missing or blank, `length` when longer.
fn item(errors: &mut FieldErrors, field: &str, value: Option<&str>) -> Option<String> {
    let text = errors.required(field, clean(value))?;
    if text.chars().count() > MAX_ITEM_CHARS {
        errors.add(field, "length", format!("{field} must be at most {MAX_ITEM_CHARS} characters"));
        return None;
    }
    Some(text)
}

fn text_list(errors: &mut FieldErrors, field: &str, values: Option<Vec<String>>) -> Option<Vec<String>> {
    let items: Vec<Option<String>> = (values.unwrap_or_default().iter().enumerate())
        .map(|(index, value)| item(errors, &format!("{field}[{index}]"), Some(value)))
        .collect();
    items.into_iter().collect()
}

fn parse_municipality_ids(errors: &mut FieldErrors, ids: Option<Vec<Uuid>>) -> Option<Vec<Uuid>> {
    let ids = errors.required("municipality_ids", ids)?;
    if ids.is_empty() {
        errors.add("municipality_ids", "length", "name at least one municipality the diagnosis covers");
        return None;
    }
    let mut valid = true;
    for (index, id) in ids.iter().enumerate() {
        if ids[..index].contains(id) {
            errors.add(format!("municipality_ids[{index}]"), "duplicate", "this municipality is listed twice");
            valid = false;
        }
    }
    valid.then_some(ids)
}

fn parse_consultation(errors: &mut FieldErrors, consultation: ConsultationInput) -> Option<Consultation> {
    let date = |errors: &mut FieldErrors, field: &str, value: Option<&str>| {
        let value = errors.required(field, value);
        errors.parse_with(field, "invalid_date", value, parse_date)
    };
    let from = date(errors, "consultation.from", consultation.from.as_deref());
    let to = date(errors, "consultation.to", consultation.to.as_deref());
    let how = item(errors, "consultation.how", consultation.how.as_deref());
    let (from, to) = (from?, to?);
    if to < from {
        errors.add("consultation.to", "period_order", "the consultation must not end before it starts");
        return None;
    }
    Some(Consultation { from, to, how: how? })
}

fn parse_document(errors: &mut FieldErrors, document: DocumentInput) -> Option<DiagnosisDocument> {
    let url = errors.required("document.url", clean(document.url.as_deref()));
    let url = url.filter(|url| {
        let https = url.get(..8).is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"));
        let valid = https && url.validate_url();
        if !valid {
            errors.add("document.url", "invalid_url", "document.url must be an https:// URL");
        }
        valid
    });
    let sha256 = errors.required("document.sha256", document.sha256.as_deref()).filter(|sha256| {
        let valid = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !valid {
            errors.add("document.sha256", "invalid_sha256", "document.sha256 must be 64 lowercase hexadecimal digits");
        }
        valid
    });
    Some(DiagnosisDocument { url: url?, sha256: sha256?.to_owned() })
}

fn parse_need(errors: &mut FieldErrors, field: &str, need: NeedInput) -> Option<Need> {
    let area = errors.required_enum::<ServiceArea>(&format!("{field}.area"), need.area.as_deref());
    let target_group =
        errors.required_enum::<TargetGroup>(&format!("{field}.target_group"), need.target_group.as_deref());
    let indicator = item(errors, &format!("{field}.indicator"), need.indicator.as_deref());
    let value = item(errors, &format!("{field}.value"), need.value.as_deref());
    let source = item(errors, &format!("{field}.source"), need.source.as_deref());
    Some(Need { area: area?, target_group: target_group?, indicator: indicator?, value: value?, source: source? })
}

/// Fields a merge patch may not touch: identity, metadata, and what the actions set.
const READ_ONLY_FIELDS: [&str; 8] =
    ["id", "status", "adopted_on", "next_due_on", "overdue", "created_at", "updated_at", "version"];

/// Applies a JSON merge patch to the current record and validates the result as a whole.
pub fn apply_patch(current: &Diagnosis, patch: &merge_patch::Patch) -> ApiResult<DiagnosisDraft> {
    let input: DiagnosisInput =
        merge_patch::patched(current, patch, &READ_ONLY_FIELDS, "; status changes through the actions")?;
    input.validate_draft()
}

/// The optional body of `adopt`: the day the diagnosis was adopted, today when absent.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"adopted_on": "2026-04-15"}))]
pub struct AdoptionInput {
    /// Not after today (422 `in_future`); today (Polish calendar) when absent.
    #[schema(value_type = Option<String>, format = Date, example = "2026-04-15")]
    pub adopted_on: Option<String>,
}

impl AdoptionInput {
    /// The adoption date, checked against today.
    pub fn validate_date(self, today: NaiveDate) -> ApiResult<NaiveDate> {
        let mut errors = FieldErrors::new();
        let on = errors.parse_with("adopted_on", "invalid_date", self.adopted_on.as_deref(), parse_date);
        if on.is_some_and(|on| on > today) {
            errors.add("adopted_on", "in_future", "a diagnosis cannot be adopted on a day still to come");
        }
        errors.finish(|| Some(on.unwrap_or(today)))
    }
}

/// Filters and paging of the list, in creation order.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DiagnosisQuery {
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    pub status: Option<DiagnosisStatus>,
    /// Only diagnoses covering this municipality.
    pub municipality_id: Option<Uuid>,
    /// `true`: adopted diagnoses whose `next_due_on` has passed; `false`: all others.
    pub overdue: Option<bool>,
    /// Only diagnoses changed at or after this time (incremental sync).
    #[param(example = "2026-11-01T00:00:00Z")]
    pub updated_since: Option<DateTime<Utc>>,
}
