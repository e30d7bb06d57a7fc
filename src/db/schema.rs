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
        fee_table -> Nullable<Text>,
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
    authorisations (id) {
        id -> Text,
        subject -> Text,
        scope -> Text,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        granted_by -> Text,
        revoked_at -> Nullable<Timestamp>,
        revoked_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
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
        requested_by -> Nullable<Text>,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
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
        statutory_art_3_3 -> Bool,
        public_benefit_standing -> Text,
        legal_form_needs_review -> Bool,
        public_benefit_organisation_since -> Nullable<Date>,
        social_economy_entity -> Bool,
        social_enterprise_since -> Nullable<Date>,
        units -> Text,
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
        at_home -> Bool,
    }
}

diesel::joinable!(provider_offers -> providers (provider_id));
diesel::joinable!(provider_offers -> services (service_id));

diesel::table! {
    commissions (id) {
        id -> Text,
        reference -> Text,
        title -> Text,
        service_id -> Text,
        provider_id -> Text,
        mode -> Text,
        form -> Nullable<Text>,
        agreement_number -> Nullable<Text>,
        agreement_signed_on -> Nullable<Date>,
        period_start -> Date,
        period_end -> Date,
        amount -> BigInt,
        tranches -> Text,
        own_financial -> BigInt,
        own_non_financial -> BigInt,
        planned_units -> BigInt,
        unit -> Text,
        planned_recipients -> BigInt,
        expected_results -> Text,
        reporting_schedule -> Text,
        reporting_due_days -> Integer,
        status -> Text,
        termination_reason -> Nullable<Text>,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        task_scope -> Nullable<Text>,
        offer_published_on -> Nullable<Date>,
        offer_remarks -> Nullable<Text>,
        activated_on -> Nullable<Date>,
        halted_on -> Nullable<Date>,
    }
}

diesel::table! {
    grant_years (year) {
        year -> Integer,
        planned_ngo_grants -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    commission_annexes (id) {
        id -> Text,
        commission_id -> Text,
        reason -> Text,
        changes -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    commission_reservations (commission_id) {
        commission_id -> Text,
        public_service_mission -> Bool,
        profits_reinvested -> Bool,
        participatory_governance -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reports (id) {
        id -> Text,
        commission_id -> Text,
        provider_id -> Text,
        kind -> Text,
        period_start -> Date,
        period_end -> Date,
        status -> Text,
        current_version -> Integer,
        due_on -> Date,
        first_submitted_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        template -> Text,
    }
}

diesel::table! {
    report_versions (id) {
        id -> Text,
        report_id -> Text,
        number -> Integer,
        content -> Text,
        units_delivered -> BigInt,
        recipients_total -> BigInt,
        grant_used -> BigInt,
        own_financial -> BigInt,
        own_non_financial -> BigInt,
        submitted_by -> Text,
        submitted_at -> Timestamp,
        review_outcome -> Nullable<Text>,
        review_comments -> Nullable<Text>,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(commission_annexes -> commissions (commission_id));
diesel::joinable!(commission_reservations -> commissions (commission_id));
diesel::joinable!(report_versions -> reports (report_id));
diesel::joinable!(reports -> commissions (commission_id));

diesel::table! {
    municipalities (id) {
        id -> Text,
        teryt -> Text,
        name -> Text,
        name_sort_key -> Text,
        search_text -> Text,
        role -> Text,
        agreement_number -> Nullable<Text>,
        agreement_signed_on -> Nullable<Date>,
        agreement_start -> Nullable<Date>,
        agreement_end -> Nullable<Date>,
        population_count -> Nullable<BigInt>,
        population_as_of -> Nullable<Date>,
        status -> Text,
        needs_review -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    diagnoses (id) {
        id -> Text,
        title -> Text,
        methods -> Text,
        consultation_from -> Nullable<Date>,
        consultation_to -> Nullable<Date>,
        consultation_how -> Nullable<Text>,
        document_url -> Nullable<Text>,
        document_sha256 -> Nullable<Text>,
        needs -> Text,
        resources -> Text,
        gaps -> Text,
        status -> Text,
        adopted_on -> Nullable<Date>,
        next_due_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    diagnosis_municipalities (diagnosis_id, municipality_id) {
        diagnosis_id -> Text,
        municipality_id -> Text,
        position -> Integer,
    }
}

diesel::joinable!(diagnosis_municipalities -> diagnoses (diagnosis_id));
diesel::joinable!(diagnosis_municipalities -> municipalities (municipality_id));

diesel::table! {
    residents (id) {
        id -> Text,
        first_name -> Text,
        last_name -> Text,
        pesel -> Nullable<Text>,
        birth_date -> Nullable<Date>,
        birth_year -> Nullable<Integer>,
        sex -> Nullable<Text>,
        street -> Nullable<Text>,
        building -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        city -> Nullable<Text>,
        teryt -> Nullable<Text>,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        legal_representative -> Nullable<Text>,
        notes_on_needs -> Text,
        search_text -> Text,
        anonymised_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    service_plans (id) {
        id -> Text,
        resident_id -> Text,
        coordinator -> Text,
        requested_on -> Date,
        needs_assessment -> Text,
        goals -> Text,
        consent -> Nullable<Text>,
        period_start -> Date,
        period_end -> Date,
        status -> Text,
        approval_requested_at -> Nullable<Timestamp>,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        monitoring -> Text,
        closure -> Nullable<Text>,
        revision -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        approved_revision -> Nullable<Integer>,
    }
}

diesel::table! {
    plan_items (id) {
        id -> Text,
        plan_id -> Text,
        position -> Integer,
        service_id -> Text,
        provider_id -> Text,
        commission_id -> Nullable<Text>,
        quantity -> BigInt,
        unit -> Text,
        frequency -> Text,
        start_on -> Date,
        end_on -> Date,
        fee -> Nullable<BigInt>,
        status -> Text,
        approved -> Bool,
        fee_basis -> Nullable<Text>,
        fee_assessment_id -> Nullable<Text>,
    }
}

diesel::table! {
    plan_item_changes (item_id) {
        item_id -> Text,
        plan_id -> Text,
        proposed -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    plan_authors (plan_id, revision, subject) {
        plan_id -> Text,
        revision -> Integer,
        subject -> Text,
    }
}

diesel::table! {
    plan_revisions (id) {
        id -> Text,
        plan_id -> Text,
        number -> Integer,
        snapshot -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    item_deliveries (id) {
        id -> Text,
        item_id -> Text,
        delivered_on -> Date,
        units -> BigInt,
        note -> Text,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(service_plans -> residents (resident_id));
diesel::joinable!(plan_items -> service_plans (plan_id));
diesel::joinable!(item_deliveries -> plan_items (item_id));
diesel::joinable!(plan_revisions -> service_plans (plan_id));
diesel::joinable!(plan_authors -> service_plans (plan_id));
diesel::joinable!(plan_item_changes -> plan_items (item_id));

diesel::table! {
    programmes (id) {
        id -> Text,
        municipality_id -> Text,
        title -> Text,
        diagnosis_id -> Text,
        period_start -> Date,
        period_end -> Date,
        resolution_number -> Nullable<Text>,
        resolution_adopted_on -> Nullable<Date>,
        publication_year -> Nullable<Integer>,
        publication_position -> Nullable<Integer>,
        in_force_from -> Nullable<Date>,
        consultation_from -> Nullable<Date>,
        consultation_to -> Nullable<Date>,
        consultation_summary -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        current_version -> Integer,
    }
}

diesel::table! {
    programme_versions (programme_id, number) {
        programme_id -> Text,
        number -> Integer,
        effective_from -> Nullable<Date>,
        superseded_on -> Nullable<Date>,
        resolution_number -> Nullable<Text>,
        resolution_adopted_on -> Nullable<Date>,
        changes -> Nullable<Text>,
        title -> Text,
        period_start -> Date,
        period_end -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    programme_services (programme_id, version, service_id) {
        programme_id -> Text,
        version -> Integer,
        service_id -> Text,
        position -> Integer,
        target_groups -> Text,
        age_min -> Nullable<Integer>,
        age_max -> Nullable<Integer>,
        disability_certificate_required -> Bool,
        income_threshold_per_person -> Nullable<BigInt>,
        residence_required -> Bool,
        access_notes -> Nullable<Text>,
        apply_where -> Text,
        apply_documents -> Text,
        capacity_kind -> Text,
        capacity_value -> Nullable<Integer>,
        quality_standard -> Text,
        fee_rule -> Nullable<Text>,
    }
}

diesel::joinable!(programmes -> municipalities (municipality_id));
diesel::joinable!(programmes -> diagnoses (diagnosis_id));
diesel::joinable!(programme_services -> programmes (programme_id));
diesel::joinable!(programme_services -> services (service_id));
diesel::joinable!(programme_versions -> programmes (programme_id));

diesel::table! {
    locations (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        provider_id -> Nullable<Text>,
        street -> Nullable<Text>,
        building -> Text,
        postal_code -> Text,
        city -> Text,
        teryt -> Text,
        latitude_e7 -> Nullable<BigInt>,
        longitude_e7 -> Nullable<BigInt>,
        step_free -> Bool,
        accessible_toilet -> Bool,
        hearing_loop -> Bool,
        sign_language -> Bool,
        disabled_parking -> Bool,
        accessibility_note -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        website -> Nullable<Text>,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    fee_assessments (id) {
        id -> Text,
        resident_id -> Text,
        programme_id -> Text,
        service_id -> Text,
        household_income -> Nullable<BigInt>,
        household_size -> Integer,
        income_per_person -> Nullable<BigInt>,
        stated_on -> Date,
        bracket -> Text,
        fee_per_unit -> BigInt,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
        exemption_code -> Nullable<Text>,
        exemption_note -> Nullable<Text>,
        assessed_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    location_hours (location_id, day, opens) {
        location_id -> Text,
        day -> Integer,
        opens -> Text,
        closes -> Text,
    }
}

diesel::table! {
    location_exceptions (location_id, on_date) {
        location_id -> Text,
        on_date -> Date,
        closed -> Bool,
        note -> Text,
    }
}

diesel::table! {
    location_exception_hours (location_id, on_date, opens) {
        location_id -> Text,
        on_date -> Date,
        opens -> Text,
        closes -> Text,
    }
}

diesel::table! {
    offer_locations (offer_id, location_id) {
        offer_id -> Text,
        location_id -> Text,
        position -> Integer,
    }
}

diesel::joinable!(locations -> providers (provider_id));
diesel::joinable!(location_hours -> locations (location_id));
diesel::joinable!(location_exceptions -> locations (location_id));
diesel::joinable!(offer_locations -> provider_offers (offer_id));
diesel::joinable!(offer_locations -> locations (location_id));
diesel::joinable!(fee_assessments -> residents (resident_id));
diesel::joinable!(fee_assessments -> programmes (programme_id));
diesel::joinable!(fee_assessments -> services (service_id));

diesel::table! {
    time_bank_members (id) {
        id -> Text,
        resident_id -> Text,
        municipality_id -> Text,
        joined_on -> Date,
        status -> Text,
        left_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    time_bank_transfers (id) {
        id -> Text,
        giver_id -> Text,
        receiver_id -> Text,
        minutes -> Integer,
        occurred_on -> Date,
        description -> Text,
        reverses_id -> Nullable<Text>,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    time_bank_postings (member_id, transfer_id) {
        member_id -> Text,
        transfer_id -> Text,
        minutes -> Integer,
    }
}

diesel::joinable!(time_bank_members -> residents (resident_id));
diesel::joinable!(time_bank_members -> municipalities (municipality_id));
diesel::joinable!(time_bank_postings -> time_bank_members (member_id));
diesel::joinable!(time_bank_postings -> time_bank_transfers (transfer_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_clients,
    audit_events,
    auth_failures,
    authorisations,
    commission_annexes,
    commission_reservations,
    commissions,
    diagnoses,
    diagnosis_municipalities,
    fee_assessments,
    grant_years,
    idempotency_keys,
    item_deliveries,
    location_exception_hours,
    location_exceptions,
    location_hours,
    locations,
    municipalities,
    offer_locations,
    plan_authors,
    plan_item_changes,
    plan_items,
    plan_revisions,
    programme_services,
    programme_versions,
    programmes,
    provider_offers,
    providers,
    report_versions,
    reports,
    residents,
    service_plans,
    services,
    signing_keys,
    time_bank_members,
    time_bank_postings,
    time_bank_transfers,
);
