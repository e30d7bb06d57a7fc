//! Who may receive a commission in each mode, as the acts that govern the modes say.

use uuid::Uuid;

use super::dto::CommissionMode;
use crate::db::DbConnection;
use crate::error::{ApiError, ApiResult};
use crate::providers::dto::{LegalForm, PublicBenefitStanding};

/// The code of every refusal of a provider the law does not admit.
pub const NOT_ELIGIBLE: &str = "provider-not-eligible";

/// A mode's rule: which providers it admits, and where the law says so.
struct Rule {
    admits: fn(LegalForm, PublicBenefitStanding) -> bool,
    who: &'static str,
    basis: &'static str,
}

fn rule(mode: CommissionMode) -> Rule {
    match mode {
        CommissionMode::OpenCompetition | CommissionMode::SmallGrant | CommissionMode::Regranting => Rule {
            admits: |_, standing| standing != PublicBenefitStanding::None,
            who: "NGOs and art. 3 ust. 3 entities",
            basis: "public benefit act art. 11, 16a and 19a",
        },
        CommissionMode::SocialAssistanceAct => Rule {
            admits: |form, standing| standing == PublicBenefitStanding::Ngo || form == LegalForm::ChurchLegalPerson,
            who: "NGOs and church legal persons",
            basis: "social assistance act art. 25",
        },
        CommissionMode::PublicProcurement => {
            Rule { admits: |_, _| true, who: "any provider", basis: "public procurement law (Pzp) art. 359-361" }
        }
        CommissionMode::OwnUnit => Rule {
            admits: |form, _| form == LegalForm::PublicUnit,
            who: "the centre's or the municipality's own public units",
            basis: "the centre's own units deliver under the CUS act of 19 July 2019, without an agreement",
        },
    }
}

/// Refuses (409 `provider-not-eligible`) a provider the mode may not be commissioned to; checked
/// when a commission is created and when it is activated.
pub fn ensure_may_receive(conn: &mut DbConnection, provider_id: Uuid, mode: CommissionMode) -> ApiResult<()> {
    let provider = crate::providers::model::find(conn, provider_id)?;
    let rule = rule(mode);
    if (rule.admits)(provider.legal_form, provider.public_benefit_standing) {
        return Ok(());
    }
    Err(ApiError::conflict(
        NOT_ELIGIBLE,
        format!(
            "a {} commission may go only to {} ({}); this provider's legal form is {} and its public benefit standing {}",
            mode.as_ref(),
            rule.who,
            rule.basis,
            provider.legal_form.as_ref(),
            provider.public_benefit_standing.as_ref()
        ),
    )
    .with("rule", rule.who)
    .with("legal_basis", rule.basis)
    .with("legal_form", provider.legal_form.as_ref())
    .with("public_benefit_standing", provider.public_benefit_standing.as_ref()))
}
