//! The statutory areas of social services (art. 2 ust. 1 of the CUS act).

crate::text_enum! {
/// Area of social services under art. 2 ust. 1 of the act of 19 July 2019:
/// `family_policy` (polityka prorodzinna), `family_support` (wspieranie rodziny),
/// `foster_care` (piecza zastępcza), `social_assistance` (pomoc społeczna),
/// `health` (promocja i ochrona zdrowia), `disability_support` (wspieranie osób
/// niepełnosprawnych), `public_education` (edukacja publiczna), `counteracting_unemployment`
/// (przeciwdziałanie bezrobociu), `culture` (kultura), `physical_culture_and_tourism` (kultura
/// fizyczna i turystyka), `civic_activity` (pobudzanie aktywności obywatelskiej), `housing`
/// (mieszkalnictwo), `environmental_protection` (ochrona środowiska),
/// `social_and_vocational_reintegration` (reintegracja zawodowa i społeczna).
pub enum ServiceArea {
    FamilyPolicy,
    FamilySupport,
    FosterCare,
    SocialAssistance,
    Health,
    DisabilitySupport,
    PublicEducation,
    CounteractingUnemployment,
    Culture,
    PhysicalCultureAndTourism,
    CivicActivity,
    Housing,
    EnvironmentalProtection,
    SocialAndVocationalReintegration,
}
}
