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

diesel::allow_tables_to_appear_in_same_query!(
    api_clients,
    audit_events,
    auth_failures,
    idempotency_keys,
    services,
    signing_keys
);
