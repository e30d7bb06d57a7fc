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

diesel::allow_tables_to_appear_in_same_query!(idempotency_keys, services);
