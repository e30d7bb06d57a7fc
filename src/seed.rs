//! `cus-api seed`: fills an empty database with realistic, deterministic data at a city's scale,
//! for the load benchmark (bench/) and for trying the API on something that looks real.
//!
//! Rows are built with the models' own row types and written in large transactions with batch
//! inserts, which diesel's multi-backend connection lacks: the one backend branch here.

use std::time::Instant;

use chrono::{Datelike, Duration, NaiveDate};
use diesel::prelude::*;
use serde_json::json;
use uuid::Uuid;

use crate::clock;
use crate::commissions::dto::{CommissionMode, CommissionStatus, CompetitionForm, ReportingSchedule};
use crate::commissions::model::CommissionRow;
use crate::db::schema::{
    commissions, diagnoses, diagnosis_municipalities, fee_assessments, location_exception_hours, location_exceptions,
    location_hours, locations, municipalities, offer_locations, plan_items, programme_services, programme_versions,
    programmes, provider_offers, providers, report_versions, reports, residents, service_plans, services,
};
use crate::db::{json_text, DbConnection, Id};
use crate::diagnoses::dto::{Consultation, DiagnosisAction, DiagnosisDocument, DiagnosisDraft, Need};
use crate::diagnoses::model::{coverage_of, CoverageRow, DiagnosisRow};
use crate::domain::fee::{BracketFee, Decimal, FeeBasis, FeeBracket, FeeExemption, FeeRule, IncomeTable};
use crate::domain::lifecycle::Lifecycle;
use crate::domain::money::Money;
use crate::domain::period::DateRange;
use crate::domain::ServiceArea;
use crate::domain::{text, Address, Nip, Pesel, Teryt};
use crate::error::{ApiError, ApiResult};
use crate::fee_assessments::model::AssessmentRow;
use crate::locations::dto::{
    Accessibility, HoursException, Interval, LocationDraft, LocationKind, Weekday, WeeklyHours,
};
use crate::locations::model::LocationRecord;
use crate::municipalities::dto::{AgreementTerms, MunicipalityDraft, MunicipalityRole, Population};
use crate::municipalities::model::MunicipalityRow;
use crate::programmes::dto::{
    AccessCriteria, Capacity, CapacityKind, HowToApply, ProgrammeAction, ProgrammeConsultation, ProgrammeDraft,
    ProgrammeService, Publication, Resolution,
};
use crate::programmes::model::{
    services_of, ProgrammeRow, ServiceRow as ProgrammeServiceRow, VersionRow as ProgrammeVersionRow,
};
use crate::programmes::versions::dto::AmendmentDraft;
use crate::programmes::versions::model::amended;
use crate::providers::dto::{Contact, LegalForm, ProviderStatus, UnitKind};
use crate::providers::model::ProviderRow;
use crate::providers::offers::model::{OfferLocationRow, OfferRow};
use crate::reports::dto::{ReportKind, ReportStatus, ReportTemplate};
use crate::reports::model::{ReportRow, VersionRow};
use crate::residents::dto::Sex;
use crate::residents::model::ResidentRow;
use crate::service_plans::dto::{ItemStatus, PlanStatus};
use crate::service_plans::model::{ItemRow, PlanRow};
use crate::services::dto::{DeliveredBy, DeliveryMode, ServiceStatus, ServiceUnit, TargetGroup};
use crate::services::model::ServiceRow;

/// Sizes at scale 1: a city the size of the larger pilots.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub services: usize,
    pub providers: usize,
    pub commissions: usize,
    pub reports_per_commission: usize,
    pub residents: usize,
}

impl Sizes {
    pub fn at_scale(scale: f64) -> Sizes {
        let n = |full: f64| ((full * scale).round() as usize).max(1);
        Sizes {
            // Every provider offers five distinct services.
            services: n(1_000.0).max(20),
            providers: n(500.0),
            commissions: n(5_000.0),
            reports_per_commission: 10,
            residents: n(100_000.0),
        }
    }
}

/// A small deterministic generator (splitmix64): the same data on every run.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &'a [&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// A UUIDv7-shaped id whose order follows the sequence number, so keyset pages are stable.
    fn id(&mut self, sequence: u64) -> Id {
        let random = self.next();
        Uuid::from_u64_pair(
            0x0193_0000_0000_7000 | (sequence << 16) & 0x0000_FFFF_FFFF_0000,
            0x8000_0000_0000_0000 | (random >> 2),
        )
        .into()
    }
}

const FIRST_NAMES: [&str; 16] = [
    "Anna",
    "Maria",
    "Katarzyna",
    "Małgorzata",
    "Agnieszka",
    "Barbara",
    "Ewa",
    "Żaneta",
    "Jan",
    "Piotr",
    "Krzysztof",
    "Andrzej",
    "Stanisław",
    "Tomasz",
    "Paweł",
    "Łukasz",
];
const LAST_NAMES: [&str; 16] = [
    "Nowak",
    "Kowalska",
    "Wiśniewska",
    "Wójcik",
    "Kowalczyk",
    "Kamińska",
    "Lewandowska",
    "Zielińska",
    "Szymański",
    "Woźniak",
    "Dąbrowski",
    "Kozłowski",
    "Jankowski",
    "Mazur",
    "Kwiatkowski",
    "Żak",
];
const SERVICE_KINDS: [&str; 12] = [
    "Usługi opiekuńcze",
    "Opieka wytchnieniowa",
    "Asystencja osobista",
    "Wsparcie psychologiczne",
    "Asystent rodziny",
    "Posiłki",
    "Transport",
    "Dzienny dom seniora",
    "Klub sąsiedzki",
    "Grupa samopomocowa",
    "Bank czasu",
    "Zajęcia ruchowe",
];
const PLACES: [&str; 8] =
    ["Starachowice", "Elbląg", "Wojcieszków", "Łódź", "Kraków", "Gdańsk", "Poznań", "Zielona Góra"];
const TERYTS: [&str; 8] = ["2611011", "2861011", "0611102", "1061011", "1261011", "2261011", "3064011", "0862011"];
const AREAS: [ServiceArea; 14] = [
    ServiceArea::FamilyPolicy,
    ServiceArea::FamilySupport,
    ServiceArea::FosterCare,
    ServiceArea::SocialAssistance,
    ServiceArea::Health,
    ServiceArea::DisabilitySupport,
    ServiceArea::PublicEducation,
    ServiceArea::CounteractingUnemployment,
    ServiceArea::Culture,
    ServiceArea::PhysicalCultureAndTourism,
    ServiceArea::CivicActivity,
    ServiceArea::Housing,
    ServiceArea::EnvironmentalProtection,
    ServiceArea::SocialAndVocationalReintegration,
];
const UNITS: [ServiceUnit; 7] = [
    ServiceUnit::Hour,
    ServiceUnit::Visit,
    ServiceUnit::Meal,
    ServiceUnit::Day,
    ServiceUnit::Session,
    ServiceUnit::Month,
    ServiceUnit::Place,
];
/// Forms that may receive the seeded open competitions (social cooperatives and non-profit
/// companies with the statute flag set); every fourth provider also runs a unit.
const LEGAL_FORMS: [LegalForm; 7] = [
    LegalForm::Association,
    LegalForm::Foundation,
    LegalForm::SocialCooperative,
    LegalForm::ChurchLegalPerson,
    LegalForm::OrdinaryAssociation,
    LegalForm::NonProfitCompany,
    LegalForm::RuralHousewivesCircle,
];
const UNIT_KINDS: [UnitKind; 5] = [UnitKind::Cis, UnitKind::Kis, UnitKind::Zaz, UnitKind::Wtz, UnitKind::DayCentre];

/// Writes rows in batches: one statement per chunk on either backend.
macro_rules! insert_batches {
    ($conn:expr, $table:expr, $rows:expr) => {{
        for chunk in $rows.chunks(400) {
            match $conn {
                DbConnection::Pg(conn) => diesel::insert_into($table).values(chunk).execute(conn)?,
                DbConnection::Sqlite(conn) => diesel::insert_into($table).values(chunk).execute(conn)?,
            };
        }
    }};
}

/// A NIP for the n-th provider: nine digits from `n`, and the first check digit that is valid.
fn nip_for(n: usize) -> String {
    (0..)
        .map(|attempt| format!("{:09}", 100_000_000 + (n * 7 + attempt * 9_973) % 899_999_999))
        .find_map(|base| (0..10).map(|d| format!("{base}{d}")).find(|candidate| Nip::parse(candidate).is_ok()))
        .unwrap_or_default()
}

/// Residents' birth dates repeat every this many residents (80 years x 12 months x 28 days, the
/// least common multiple); the serial number counts the repeats, so PESELs never collide.
const BIRTH_DATE_CYCLE: usize = 1680;

/// A valid PESEL for a birth date, serial number and sex.
fn pesel_for(birth: NaiveDate, serial: usize, female: bool) -> Option<String> {
    let month_offset = if birth.year() >= 2000 { 20 } else { 0 };
    let sex_digit = (serial % 5) * 2 + usize::from(!female);
    let base = format!(
        "{:02}{:02}{:02}{:03}{}",
        birth.year() % 100,
        birth.month() + month_offset,
        birth.day(),
        serial % 1000,
        sex_digit
    );
    (0..10).map(|d| format!("{base}{d}")).find(|candidate| Pesel::parse(candidate).is_ok())
}

/// The gminas of `PLACES`, by their `TERYTS`, which residents live in: the first founded the
/// centre, the others are served under an agreement.
fn municipality_rows(random: &mut Random, now: chrono::NaiveDateTime) -> ApiResult<Vec<MunicipalityRow>> {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| ApiError::internal("date"));
    let period = DateRange::new(day(2026, 1, 1)?, day(2028, 12, 31)?).map_err(|_| ApiError::internal("period"))?;
    PLACES
        .iter()
        .zip(TERYTS)
        .enumerate()
        .map(|(i, (place, teryt))| {
            let founder = i == 0;
            let draft = MunicipalityDraft {
                teryt: Teryt::parse(teryt).map_err(|err| ApiError::internal(err.message()))?,
                name: (*place).to_owned(),
                role: if founder { MunicipalityRole::Founder } else { MunicipalityRole::AgreementParty },
                agreement: (!founder).then(|| AgreementTerms {
                    number: format!("POR/{i}/2025"),
                    signed_on: period.start() - Duration::days(14),
                    period,
                }),
                population: Some(Population { count: 10_000 + 5_000 * i as i64, as_of: period.start() }),
            };
            Ok(MunicipalityRow::new(random.id(i as u64).into(), draft, now))
        })
        .collect()
}

/// The CUS office in the founder gmina, open Monday to Friday 8-16 (Tuesday until 18) and
/// closed on Christmas Day, and the premises of every tenth provider, open 9-17 on weekdays;
/// both step-free.
fn location_records(random: &mut Random, providers: &[ProviderRow], now: chrono::NaiveDateTime) -> Vec<LocationRecord> {
    let weekdays = [Weekday::Monday, Weekday::Tuesday, Weekday::Wednesday, Weekday::Thursday, Weekday::Friday];
    let hours = |from: &str, to: &str, tuesday_to: &str| -> Vec<WeeklyHours> {
        weekdays
            .iter()
            .map(|&day| WeeklyHours {
                day,
                from: from.to_owned(),
                to: if day == Weekday::Tuesday { tuesday_to } else { to }.to_owned(),
            })
            .collect()
    };
    let christmas = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap_or_default();
    let address = |street: &str, building: String, city: &str, teryt: &str| Address {
        street: Some(street.to_owned()),
        building: Some(building),
        postal_code: Some("27-200".to_owned()),
        city: Some(city.to_owned()),
        teryt: Some(teryt.to_owned()),
    };
    let office = LocationDraft {
        name: format!("Centrum Usług Społecznych w {}", PLACES[0]),
        kind: LocationKind::CusOffice,
        provider_id: None,
        address: address("ul. Radomska", "45".to_owned(), PLACES[0], TERYTS[0]),
        coordinates: None,
        opening_hours: hours("08:00", "16:00", "18:00"),
        exceptions: vec![HoursException {
            date: christmas,
            closed: true,
            hours: Vec::new(),
            note: "Boże Narodzenie".to_owned(),
        }],
        accessibility: Accessibility { step_free: true, accessible_toilet: true, ..Accessibility::default() },
        contact: Contact {
            email: Some("cus@example.org".to_owned()),
            phone: Some("+48 41 273 00 00".to_owned()),
            website: None,
        },
    };
    let premises = providers.iter().step_by(10).map(|provider| LocationDraft {
        name: format!("Siedziba: {}", provider.name),
        kind: LocationKind::ProviderPremises,
        provider_id: Some(provider.id.into()),
        address: address(
            "ul. Główna",
            provider.building.clone(),
            &provider.city,
            provider.teryt.as_deref().unwrap_or(TERYTS[0]),
        ),
        coordinates: None,
        opening_hours: hours("09:00", "17:00", "17:00"),
        exceptions: vec![HoursException {
            date: christmas - Duration::days(1),
            closed: false,
            hours: vec![Interval { from: "09:00".to_owned(), to: "12:00".to_owned() }],
            note: "Wigilia".to_owned(),
        }],
        accessibility: Accessibility { step_free: true, ..Accessibility::default() },
        contact: Contact { email: provider.email.clone(), phone: provider.phone.clone(), website: None },
    });
    std::iter::once(office)
        .chain(premises)
        .enumerate()
        .map(|(i, draft)| LocationRecord::new(random.id(i as u64).into(), &draft, now))
        .collect()
}

/// The first offer of each provider with premises is given there and at the CUS office.
fn offer_location_rows(records: &[LocationRecord], offers: &[OfferRow]) -> Vec<OfferLocationRow> {
    let Some(office) = records.first() else { return Vec::new() };
    records[1..]
        .iter()
        .filter_map(|premises| {
            let offer = offers.iter().find(|offer| Some(offer.provider_id) == premises.row.provider_id)?;
            Some([premises, office].into_iter().zip(0..).map(|(location, position)| OfferLocationRow {
                offer_id: offer.id,
                location_id: location.row.id,
                position,
            }))
        })
        .flatten()
        .collect()
}

/// An income table as the pilots' resolutions set them: free up to the statutory criterion, then
/// a growing share of the unit cost; `percent_of_criterion` or PLN thresholds.
fn income_table(basis: FeeBasis, bounds: [i64; 3]) -> IncomeTable {
    let fees = [BracketFee::PerUnit(Money::ZERO), percent(10), percent(30), percent(50)];
    IncomeTable {
        basis,
        brackets: (fees.iter().enumerate())
            .map(|(i, fee)| FeeBracket { up_to: bounds.get(i).map(|b| Decimal::from_whole(*b)), fee: *fee })
            .collect(),
        exemptions: vec![
            FeeExemption {
                code: "two_disabled_in_household".to_owned(),
                description: "Dwie lub więcej osób niepełnosprawnych w gospodarstwie domowym".to_owned(),
            },
            FeeExemption {
                code: "terminal_illness".to_owned(),
                description: "Choroba terminalna potwierdzona zaświadczeniem lekarskim".to_owned(),
            },
        ],
    }
}

fn percent(whole: i64) -> BracketFee {
    BracketFee::PercentOfUnitCost(Decimal::from_whole(whole))
}

/// The rows of the seeded programmes.
#[derive(Default)]
struct SeededProgrammes {
    programmes: Vec<ProgrammeRow>,
    versions: Vec<ProgrammeVersionRow>,
    services: Vec<ProgrammeServiceRow>,
}

/// A gmina's programme of social services, in force since February 2026 on the seeded diagnosis,
/// offering the first `services` under its terms; the founder's amended from July 2026 (version
/// 2: more places in its first service).
fn programme(
    random: &mut Random,
    gmina: &MunicipalityRow,
    diagnosis: &DiagnosisRow,
    services: &[Id],
    now: chrono::NaiveDateTime,
    seeded: &mut SeededProgrammes,
) -> ApiResult<()> {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| ApiError::internal("date"));
    let terms = |(i, service): (usize, &Id)| ProgrammeService {
        service_id: service.uuid(),
        target_groups: vec![TargetGroup::Person, TargetGroup::SpecialNeedsGroup],
        access_criteria: AccessCriteria {
            age_min: (i == 0).then_some(60),
            age_max: None,
            disability_certificate_required: i == 1,
            income_threshold_per_person: (i == 0).then_some(Money::from_grosze(182_300)),
            residence_required: true,
            notes: None,
        },
        how_to_apply: HowToApply {
            r#where: "Punkt informacyjny CUS".to_owned(),
            documents: vec!["wniosek".to_owned(), "oświadczenie o dochodach".to_owned()],
        },
        capacity: if i == 2 {
            Capacity { kind: CapacityKind::Unlimited, value: None }
        } else {
            Capacity { kind: CapacityKind::Places, value: Some(20 + 10 * i as i32) }
        },
        quality_standard: "Standardy usług CUS 2026".to_owned(),
        // The first service's fee is the programme's own table; the others keep the catalogue's.
        fee_rule: (i == 0).then(|| FeeRule::IncomeTable(income_table(FeeBasis::PercentOfCriterion, [100, 200, 300]))),
    };
    let draft = ProgrammeDraft {
        municipality_id: gmina.id.uuid(),
        title: format!("Program usług społecznych {} 2026-2028", gmina.name),
        diagnosis_id: diagnosis.id.uuid(),
        period: DateRange::new(day(2026, 1, 1)?, day(2028, 12, 31)?).map_err(|_| ApiError::internal("period"))?,
        resolution: Some(Resolution { number: "XV/120/2025".to_owned(), adopted_on: day(2025, 12, 18)? }),
        publication: Some(Publication { year: 2026, position: 214 }),
        in_force_from: Some(day(2026, 2, 1)?),
        consultation: Some(ProgrammeConsultation {
            from: day(2025, 11, 24)?,
            to: day(2025, 12, 8)?,
            summary: "Uwagi organizacji pozarządowych uwzględnione w części".to_owned(),
        }),
        services: services.iter().enumerate().map(terms).collect(),
    };
    let mut row = ProgrammeRow::new(random.id(seeded.programmes.len() as u64).into(), &draft, now);
    for action in [ProgrammeAction::Consult, ProgrammeAction::Adopt, ProgrammeAction::PutInForce] {
        row.status = row.status.transition(action)?;
    }
    let mut first = ProgrammeVersionRow::first(&row);
    let mut services = services_of(row.id, first.number, &draft.services);
    if gmina.role == MunicipalityRole::Founder {
        let mut more_places = draft.services.clone();
        if let Some(service) = more_places.first_mut() {
            service.capacity.value = service.capacity.value.map(|places| places + 15);
        }
        let amendment = AmendmentDraft {
            resolution: Resolution { number: "XXIV/198/2026".to_owned(), adopted_on: day(2026, 6, 18)? },
            changes: "Więcej miejsc w pierwszej usłudze programu".to_owned(),
            effective_from: day(2026, 7, 1)?,
            title: None,
            period: None,
            services: Some(more_places),
        };
        row.status.transition(ProgrammeAction::Amend)?;
        let second = amended(&mut row, &mut first, &services, amendment, now)?;
        seeded.versions.push(second.row);
        services.extend(second.services);
    }
    seeded.programmes.push(row);
    seeded.versions.push(first);
    seeded.services.extend(services);
    Ok(())
}

/// Every tenth resident's fee for the founder's programme's first service, under its income table, from a
/// household income stated in January 2026; every fiftieth is exempt.
fn fee_assessments_of(
    random: &mut Random,
    residents: &[ResidentRow],
    programmes: &SeededProgrammes,
    catalogue: &[ServiceRow],
    now: chrono::NaiveDateTime,
) -> ApiResult<Vec<AssessmentRow>> {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| ApiError::internal("date"));
    let programme = programmes.programmes.first().ok_or_else(|| ApiError::internal("no seeded programme"))?;
    let offered = (programmes.services.iter())
        .find(|s| s.programme_id == programme.id)
        .ok_or_else(|| ApiError::internal("the seeded programme offers nothing"))?;
    let Some(FeeRule::IncomeTable(table)) =
        offered.fee_rule.as_deref().map(|rule| crate::db::from_json_text(rule, "seeded fee rule")).transpose()?
    else {
        return Err(ApiError::internal("the seeded programme's first service has no income table"));
    };
    let unit_cost = catalogue.iter().find(|s| s.id == offered.service_id).and_then(|s| s.unit_cost);
    let (stated_on, valid_from, valid_to) = (day(2026, 1, 15)?, day(2026, 2, 1)?, day(2026, 12, 31)?);
    (residents.iter().step_by(10).enumerate())
        .map(|(i, resident)| {
            let household_size = 1 + (i % 4) as u32;
            let household_income = Money::from_grosze(60_000 * i64::from(household_size) + (i as i64 % 30) * 10_000);
            let assessed = table
                .assess(household_income, household_size, stated_on, unit_cost.map(Money::from_grosze))
                .map_err(|_| ApiError::internal("a seeded assessment has no fee"))?;
            let exempt = i % 5 == 4;
            Ok(AssessmentRow {
                id: random.id(i as u64),
                resident_id: resident.id,
                programme_id: programme.id,
                service_id: offered.service_id,
                household_income: Some(household_income.grosze()),
                household_size: household_size as i32,
                income_per_person: Some(assessed.income_per_person.grosze()),
                stated_on,
                bracket: json_text(&assessed.bracket),
                fee_per_unit: if exempt { 0 } else { assessed.fee_per_unit.grosze() },
                valid_from,
                valid_to: Some(valid_to),
                exemption_code: table.exemptions.first().filter(|_| exempt).map(|e| e.code.clone()),
                exemption_note: None,
                assessed_by: format!("kipus-{}", i % 20),
                created_at: now,
                updated_at: now,
                version: 1,
            })
        })
        .collect()
}

/// The diagnosis of needs and potential the seeded gminas adopted together, in force until 2030.
fn diagnosis(
    random: &mut Random,
    municipalities: &[MunicipalityRow],
    now: chrono::NaiveDateTime,
) -> ApiResult<(DiagnosisRow, Vec<CoverageRow>)> {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| ApiError::internal("date"));
    let need = |area, target_group, indicator: &str, value: &str| Need {
        area,
        target_group,
        indicator: indicator.to_owned(),
        value: value.to_owned(),
        source: "GUS BDL 2024; ankieta mieszkańców 2025".to_owned(),
    };
    let draft = DiagnosisDraft {
        title: "Diagnoza potrzeb i potencjału społeczności lokalnej 2025".to_owned(),
        municipality_ids: municipalities.iter().map(|m| m.id.uuid()).collect(),
        methods: vec!["analiza danych zastanych".to_owned(), "ankieta".to_owned(), "wywiady pogłębione".to_owned()],
        consultation: Some(Consultation {
            from: day(2025, 10, 1)?,
            to: day(2025, 10, 21)?,
            how: "Ankieta online i spotkania otwarte w urzędach gmin".to_owned(),
        }),
        document: Some(DiagnosisDocument {
            url: "https://bip.example.pl/diagnoza-potrzeb-2025.pdf".to_owned(),
            sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".to_owned(),
        }),
        needs: vec![
            need(
                ServiceArea::SocialAssistance,
                TargetGroup::SpecialNeedsGroup,
                "Osoby 75+ mieszkające samotnie",
                "4120",
            ),
            need(ServiceArea::FamilySupport, TargetGroup::Family, "Rodziny z asystentem rodziny", "310"),
            need(
                ServiceArea::Health,
                TargetGroup::AllResidents,
                "Oczekiwanie na wizytę u psychologa",
                "ponad 3 miesiące",
            ),
        ],
        resources: vec![
            "organizacje pozarządowe".to_owned(),
            "wolontariusze".to_owned(),
            "świetlice wiejskie".to_owned(),
        ],
        gaps: vec!["opieka wytchnieniowa".to_owned(), "mieszkania wspomagane".to_owned()],
    };
    let mut row = DiagnosisRow::new(random.id(0).into(), &draft, now);
    row.status = row.status.transition(DiagnosisAction::Adopt)?;
    row.adopt_on(day(2025, 11, 20)?)?;
    let coverage = coverage_of(row.id, &draft);
    Ok((row, coverage))
}

/// Seeds an empty database; returns what it wrote.
pub fn seed(conn: &mut DbConnection, scale: f64) -> ApiResult<serde_json::Value> {
    let existing: i64 = services::table.count().get_result(conn)?;
    if existing > 0 {
        return Err(ApiError::conflict("not-empty", "seed fills an empty database; this one has services already"));
    }
    let sizes = Sizes::at_scale(scale);
    let started = Instant::now();
    let mut random = Random(0x00C0_FFEE);
    let now = clock::now();
    let year_start = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or_else(|| ApiError::internal("date"))?;

    let service_rows: Vec<ServiceRow> = (0..sizes.services)
        .map(|i| {
            let name = format!(
                "{} {}",
                SERVICE_KINDS[i % SERVICE_KINDS.len()],
                PLACES[(i / SERVICE_KINDS.len()) % PLACES.len()]
            );
            let code = format!("S{i:05}");
            ServiceRow {
                id: random.id(i as u64),
                search_text: text::fold(&format!("{code} {name}")),
                name_sort_key: text::polish_sort_key(&name),
                code,
                name,
                description: "Usługa z lokalnego banku usług społecznych.".to_owned(),
                area: AREAS[i % AREAS.len()],
                target_groups: r#"["person"]"#.to_owned(),
                delivery_mode: DeliveryMode::AtHome,
                unit: UNITS[i % UNITS.len()],
                unit_cost: Some(4_500),
                // Every fourth entry's default fee is an income table in PLN; the rest are free.
                fee_kind: if i % 4 == 1 { "income_table" } else { "free" }.to_owned(),
                fee_amount: None,
                fee_description: None,
                fee_table: (i % 4 == 1).then(|| json_text(&income_table(FeeBasis::Pln, [1_010, 2_020, 3_030]))),
                eligibility: String::new(),
                delivered_by: DeliveredBy::Commissioned,
                status: if i % 20 == 19 { ServiceStatus::Draft } else { ServiceStatus::Active },
                created_at: now,
                updated_at: now,
                version: 1,
            }
        })
        .collect();

    let provider_rows: Vec<ProviderRow> = (0..sizes.providers)
        .map(|i| {
            let form = LEGAL_FORMS[i % LEGAL_FORMS.len()];
            let name = format!(
                "{} {} {}",
                if form == LegalForm::Association { "Stowarzyszenie" } else { "Fundacja" },
                random.pick(&LAST_NAMES),
                i
            );
            ProviderRow {
                id: random.id(i as u64),
                search_text: text::fold(&name),
                name_sort_key: text::polish_sort_key(&name),
                name,
                short_name: None,
                legal_form: form,
                statutory_art_3_3: form.standing_depends_on_statute(),
                public_benefit_standing: form.standing(form.standing_depends_on_statute()),
                legal_form_needs_review: false,
                public_benefit_organisation_since: None,
                social_economy_entity: form == LegalForm::SocialCooperative,
                social_enterprise_since: None,
                units: if i % 4 == 0 {
                    let kind = UNIT_KINDS[i / 4 % UNIT_KINDS.len()];
                    serde_json::json!([{"kind": kind.as_ref(), "name": format!("{} {i}", kind.as_ref().to_uppercase()),
                        "address": {"street": "ul. Główna", "building": "1", "postal_code": "27-200", "city": PLACES[i % PLACES.len()], "teryt": null}}])
                    .to_string()
                } else {
                    "[]".to_owned()
                },
                nip: Some(nip_for(i)),
                regon: None,
                krs: None,
                street: Some("ul. Główna".to_owned()),
                building: format!("{}", i % 120 + 1),
                postal_code: "27-200".to_owned(),
                city: PLACES[i % PLACES.len()].to_owned(),
                teryt: Some(TERYTS[i % TERYTS.len()].to_owned()),
                email: Some(format!("biuro{i}@example.org")),
                phone: Some("+48 41 274 00 00".to_owned()),
                website: None,
                contact_persons: "[]".to_owned(),
                areas: format!(r#"["{}"]"#, AREAS[i % AREAS.len()].as_ref()),
                description: String::new(),
                status: ProviderStatus::Active,
                created_at: now,
                updated_at: now,
                version: 1,
            }
        })
        .collect();

    // Each provider offers five active services; commissions and plan items use those pairs.
    let active_services: Vec<&ServiceRow> = service_rows.iter().filter(|s| s.status == ServiceStatus::Active).collect();
    let mut offer_rows = Vec::with_capacity(sizes.providers * 5);
    for (p, provider) in provider_rows.iter().enumerate() {
        for k in 0..5 {
            let service = active_services[(p * 5 + k) % active_services.len()];
            offer_rows.push(OfferRow {
                id: random.id((p * 5 + k) as u64),
                provider_id: provider.id,
                service_id: service.id,
                capacity_per_month: Some(400),
                area_served: format!(r#"["{}"]"#, provider.teryt.clone().unwrap_or_default()),
                notes: String::new(),
                created_at: now,
                updated_at: now,
                version: 1,
                at_home: service.delivery_mode == DeliveryMode::AtHome,
            });
        }
    }

    let year_end = year_start + Duration::days(364);
    let commission_rows: Vec<CommissionRow> = (0..sizes.commissions)
        .map(|i| {
            let offer = &offer_rows[i % offer_rows.len()];
            let unit = service_rows.iter().find(|s| s.id == offer.service_id).map_or(ServiceUnit::Hour, |s| s.unit);
            let reference = format!("CUS/2026/{i:05}");
            CommissionRow {
                id: random.id(i as u64),
                search_text: text::fold(&format!("{reference} Zlecenie {i}")),
                reference,
                title: format!("Zlecenie {i}"),
                service_id: offer.service_id,
                provider_id: offer.provider_id,
                mode: CommissionMode::OpenCompetition,
                form: Some(CompetitionForm::Powierzenie),
                agreement_number: Some(format!("UM/{i}")),
                agreement_signed_on: Some(year_start),
                period_start: year_start,
                period_end: year_end,
                amount: 12_000_000,
                tranches: json!([{"date": "2026-01-10", "amount": "120000.00"}]).to_string(),
                own_financial: 0,
                own_non_financial: 0,
                planned_units: 4_800,
                unit,
                planned_recipients: 40,
                expected_results: json!([{"indicator": "Godziny usług", "unit": "godzina", "planned_value": 4800}])
                    .to_string(),
                reporting_schedule: ReportingSchedule::Monthly,
                reporting_due_days: 30,
                status: CommissionStatus::Active,
                termination_reason: None,
                created_at: now,
                updated_at: now,
                version: 1,
                task_scope: None,
                offer_published_on: None,
                offer_remarks: None,
                activated_on: Some(year_start),
                halted_on: None,
            }
        })
        .collect();

    let mut report_rows = Vec::with_capacity(sizes.commissions * sizes.reports_per_commission);
    let mut version_rows = Vec::with_capacity(report_rows.capacity() * 6 / 5);
    for (c, commission) in commission_rows.iter().enumerate() {
        for month in 0..sizes.reports_per_commission {
            let start = NaiveDate::from_ymd_opt(2026, month as u32 + 1, 1).ok_or_else(|| ApiError::internal("date"))?;
            let end =
                NaiveDate::from_ymd_opt(2026, month as u32 + 2, 1).map_or(year_end, |next| next - Duration::days(1));
            let sequence = (c * sizes.reports_per_commission + month) as u64;
            let corrected = sequence.is_multiple_of(5);
            let report = ReportRow {
                id: random.id(sequence),
                commission_id: commission.id,
                provider_id: commission.provider_id,
                kind: ReportKind::Partial,
                period_start: start,
                period_end: end,
                status: if month < 8 { ReportStatus::Accepted } else { ReportStatus::Submitted },
                current_version: if corrected { 2 } else { 1 },
                due_on: end + Duration::days(30),
                first_submitted_at: now,
                accepted_at: (month < 8).then_some(now),
                created_at: now,
                updated_at: now,
                version: 1,
                template: ReportTemplate::Annex5,
            };
            let content = json!({"kind": "partial", "period": {"start": start.to_string(), "end": end.to_string()}, "units_delivered": 400,
                "recipients": {"total": 40}, "activities": {"description": "Usługi zgodnie z umową"},
                "cost_lines": [{"section": "activity", "name": "Wynagrodzenia", "actual": "10000.00", "from_grant": "10000.00"}],
                "funding": {"grant": "10000.00"}});
            for number in 1..=report.current_version {
                version_rows.push(VersionRow {
                    id: random.id(sequence * 2 + number as u64),
                    report_id: report.id,
                    number,
                    content: content.to_string(),
                    units_delivered: 400,
                    recipients_total: 40,
                    grant_used: 1_000_000,
                    own_financial: 0,
                    own_non_financial: 0,
                    submitted_by: "seed".to_owned(),
                    submitted_at: now,
                    review_outcome: (number < report.current_version).then_some(ReportStatus::Returned),
                    review_comments: None,
                    reviewed_by: None,
                    reviewed_at: None,
                });
            }
            report_rows.push(report);
        }
    }

    let mut resident_rows = Vec::with_capacity(sizes.residents);
    let mut plan_rows = Vec::with_capacity(sizes.residents);
    let mut item_rows = Vec::with_capacity(sizes.residents);
    for r in 0..sizes.residents {
        let female = r % 2 == 0;
        let birth = NaiveDate::from_ymd_opt(1930 + (r % 80) as i32, (r % 12) as u32 + 1, (r % 28) as u32 + 1)
            .ok_or_else(|| ApiError::internal("date"))?;
        let (first, last) = (random.pick(&FIRST_NAMES).to_owned(), random.pick(&LAST_NAMES).to_owned());
        let resident_id = random.id(r as u64);
        resident_rows.push(ResidentRow {
            id: resident_id,
            search_text: text::fold(&format!("{first} {last}")),
            first_name: first,
            last_name: last,
            pesel: pesel_for(birth, r / BIRTH_DATE_CYCLE, female),
            birth_date: Some(birth),
            birth_year: Some(birth.year()),
            sex: Some(if female { Sex::Female } else { Sex::Male }),
            street: Some("ul. Polna".to_owned()),
            building: Some(format!("{}", r % 90 + 1)),
            postal_code: Some("27-200".to_owned()),
            city: Some(PLACES[r % PLACES.len()].to_owned()),
            teryt: Some(TERYTS[r % TERYTS.len()].to_owned()),
            phone: Some(format!("600 {:03} {:03}", r % 1000, (r / 1000) % 1000)),
            email: None,
            legal_representative: None,
            notes_on_needs: "Wymaga wsparcia w codziennych czynnościach.".to_owned(),
            anonymised_at: None,
            created_at: now,
            updated_at: now,
            version: 1,
        });
        let plan_id = random.id(r as u64);
        let offer = &offer_rows[r % offer_rows.len()];
        let unit = service_rows
            .iter()
            .find(|s| s.id == offer.service_id)
            .map(|s| s.unit)
            .ok_or_else(|| ApiError::internal("a seeded offer names no seeded service"))?;
        plan_rows.push(PlanRow {
            id: plan_id,
            resident_id,
            coordinator: format!("kipus-{}", r % 20),
            requested_on: year_start,
            needs_assessment: "Ocena potrzeb przeprowadzona w miejscu zamieszkania.".to_owned(),
            goals: json!([{"id": "g1", "description": "Samodzielność w codziennych czynnościach", "indicator": null, "target_date": "2026-12-31", "status": "open"}]).to_string(),
            consent: Some(json!({"given_on": "2026-01-05", "scope": "udział w IPUS", "recipients": ["realizatorzy"]}).to_string()),
            period_start: year_start,
            period_end: year_end,
            status: PlanStatus::Active,
            approval_requested_at: Some(now),
            approved_by: Some("director".to_owned()),
            approved_at: Some(now),
            monitoring: "[]".to_owned(),
            closure: None,
            revision: 1,
            created_at: now,
            updated_at: now,
            version: 1,
            approved_revision: Some(1),
        });
        item_rows.push(ItemRow {
            id: random.id(r as u64),
            plan_id,
            position: 0,
            service_id: offer.service_id,
            provider_id: offer.provider_id,
            commission_id: None,
            quantity: 120,
            unit,
            frequency: "3 razy w tygodniu".to_owned(),
            start_on: year_start,
            end_on: year_end,
            fee: None,
            status: ItemStatus::Active,
            approved: true,
            fee_basis: None,
            fee_assessment_id: None,
        });
    }

    // Drawn last, so that the ids of everything else are those of earlier seeds.
    let municipality_rows = municipality_rows(&mut random, now)?;
    let (diagnosis_row, coverage_rows) = diagnosis(&mut random, &municipality_rows, now)?;
    let programme_services_offered: Vec<Id> =
        service_rows.iter().filter(|s| s.status == ServiceStatus::Active).take(3).map(|s| s.id).collect();
    let mut seeded = SeededProgrammes::default();
    for gmina in &municipality_rows {
        programme(&mut random, gmina, &diagnosis_row, &programme_services_offered, now, &mut seeded)?;
    }
    let programme_count = seeded.programmes.len();
    let location_records = location_records(&mut random, &provider_rows, now);
    let offer_location_rows = offer_location_rows(&location_records, &offer_rows);
    let location_rows: Vec<_> = location_records.iter().map(|r| r.row.clone()).collect();
    let hours_rows: Vec<_> = location_records.iter().flat_map(|r| r.hours.clone()).collect();
    let exception_rows: Vec<_> = location_records.iter().flat_map(|r| r.exceptions.clone()).collect();
    let exception_hours_rows: Vec<_> = location_records.iter().flat_map(|r| r.exception_hours.clone()).collect();
    let assessment_rows = fee_assessments_of(&mut random, &resident_rows, &seeded, &service_rows, now)?;
    conn.write_transaction(|conn| -> ApiResult<()> {
        insert_batches!(conn, services::table, service_rows);
        insert_batches!(conn, providers::table, provider_rows);
        insert_batches!(conn, provider_offers::table, offer_rows);
        insert_batches!(conn, commissions::table, commission_rows);
        insert_batches!(conn, reports::table, report_rows);
        insert_batches!(conn, report_versions::table, version_rows);
        insert_batches!(conn, municipalities::table, municipality_rows);
        insert_batches!(conn, diagnoses::table, [diagnosis_row]);
        insert_batches!(conn, diagnosis_municipalities::table, coverage_rows);
        insert_batches!(conn, programmes::table, seeded.programmes);
        insert_batches!(conn, programme_versions::table, seeded.versions);
        insert_batches!(conn, programme_services::table, seeded.services);
        insert_batches!(conn, locations::table, location_rows);
        insert_batches!(conn, location_hours::table, hours_rows);
        insert_batches!(conn, location_exceptions::table, exception_rows);
        insert_batches!(conn, location_exception_hours::table, exception_hours_rows);
        insert_batches!(conn, offer_locations::table, offer_location_rows);
        insert_batches!(conn, residents::table, resident_rows);
        insert_batches!(conn, service_plans::table, plan_rows);
        insert_batches!(conn, plan_items::table, item_rows);
        insert_batches!(conn, fee_assessments::table, assessment_rows);
        Ok(())
    })?;
    // Fresh statistics, so that the planner picks index plans on the bulk-loaded tables.
    diesel::sql_query("ANALYZE").execute(conn)?;
    Ok(json!({
        "services": service_rows.len(),
        "providers": provider_rows.len(),
        "offers": offer_rows.len(),
        "commissions": commission_rows.len(),
        "reports": report_rows.len(),
        "report_versions": version_rows.len(),
        "municipalities": municipality_rows.len(),
        "diagnoses": 1,
        "programmes": programme_count,
        "locations": location_rows.len(),
        "residents": resident_rows.len(),
        "service_plans": plan_rows.len(),
        "plan_items": item_rows.len(),
        "fee_assessments": assessment_rows.len(),
        "seconds": started.elapsed().as_secs_f64(),
    }))
}
