//! The public catalogue as an HSDS 3.0 API (`/hsds/...`, Open Referral's Human Services Data
//! Specification): active services, active providers, their locations and services at locations,
//! and the fixed taxonomies of areas and target groups, read-only and anonymous.

pub mod dto;
mod handlers;
mod model;
mod places;
mod taxonomy;
mod view;

use actix_web::web;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(handlers::get_hsds_root)
        .route("/hsds/", web::get().to(handlers::hsds_root))
        .service(handlers::list_hsds_services)
        .service(handlers::get_hsds_service)
        .service(handlers::list_hsds_organizations)
        .service(handlers::get_hsds_organization)
        .service(handlers::list_hsds_locations)
        .service(handlers::get_hsds_location)
        .service(handlers::list_hsds_service_at_locations)
        .service(handlers::get_hsds_service_at_location)
        .service(handlers::list_hsds_taxonomies)
        .service(handlers::get_hsds_taxonomy)
        .service(handlers::list_hsds_taxonomy_terms)
        .service(handlers::get_hsds_taxonomy_term);
}
