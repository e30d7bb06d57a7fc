// @generated automatically by Diesel CLI.

diesel::table! {
    idempotency_keys (caller, idempotency_key) {
        caller -> Text,
        idempotency_key -> Text,
        request_fingerprint -> Text,
        response_status -> Integer,
        response_headers -> Text,
        response_body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    services (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        description -> Text,
        area -> Text,
        target_groups -> Text,
        delivery_mode -> Text,
        unit -> Text,
        unit_cost -> Nullable<BigInt>,
        fee_kind -> Text,
        fee_amount -> Nullable<BigInt>,
        fee_description -> Nullable<Text>,
        eligibility -> Text,
        delivered_by -> Text,
        status -> Text,
        search_text -> Text,
        name_sort_key -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        algorithm -> Text,
        secret -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_clients (id) {
        id -> Text,
        name -> Text,
        roles -> Text,
        provider_id -> Nullable<Text>,
        secret_hash -> Text,
        status -> Text,
        secret_rotated_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    auth_failures (id) {
        id -> Text,
        scope -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        occurred_at -> Timestamp,
        subject -> Text,
        client_id -> Nullable<Text>,
        roles -> Text,
        action -> Text,
        resource_type -> Text,
        resource_id -> Nullable<Text>,
        outcome -> Text,
        request_id -> Nullable<Text>,
        source_address -> Nullable<Text>,
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    providers (id) {
        id -> Text,
        name -> Text,
        short_name -> Nullable<Text>,
        legal_form -> Text,
        sector -> Text,
        nip -> Nullable<Text>,
        regon -> Nullable<Text>,
        krs -> Nullable<Text>,
        street -> Nullable<Text>,
        building -> Text,
        postal_code -> Text,
        city -> Text,
        teryt -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        website -> Nullable<Text>,
        contact_persons -> Text,
        areas -> Text,
        description -> Text,
        status -> Text,
        search_text -> Text,
        name_sort_key -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    provider_offers (id) {
        id -> Text,
        provider_id -> Text,
        service_id -> Text,
        capacity_per_month -> Nullable<BigInt>,
        area_served -> Text,
        notes -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::joinable!(provider_offers -> providers (provider_id));
diesel::joinable!(provider_offers -> services (service_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_clients,
    audit_events,
    auth_failures,
    idempotency_keys,
    provider_offers,
    providers,
    services,
    signing_keys,
);
