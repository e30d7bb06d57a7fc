-- A change to an approved plan item that awaits the plan's approval: the approved terms stay in
-- force on plan_items (providers deliver under them) until the change is approved. `proposed` is
-- the item as changed (JSON), NULL for its removal.
CREATE TABLE plan_item_changes (
    item_id TEXT PRIMARY KEY REFERENCES plan_items (id),
    plan_id TEXT NOT NULL REFERENCES service_plans (id),
    proposed TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX plan_item_changes_plan_id ON plan_item_changes (plan_id);
