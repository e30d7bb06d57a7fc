-- Separation of duties for individual plans: approval is decided from who drafted or changed a
-- plan since its last approval, recorded here per revision, never from the editable coordinator.
CREATE TABLE plan_authors (
    plan_id TEXT NOT NULL REFERENCES service_plans (id),
    revision INTEGER NOT NULL,
    subject TEXT NOT NULL,
    PRIMARY KEY (plan_id, revision, subject)
);

-- The revision in force (last approved); below `revision` while changes await approval.
ALTER TABLE service_plans ADD COLUMN approved_revision INTEGER;
-- Whether an item's current terms were approved: a new or changed item stays planned until then.
ALTER TABLE plan_items ADD COLUMN approved BOOLEAN NOT NULL DEFAULT FALSE;

-- Plans approved so far count as approved as they stand (the old rules put changes in force at once).
UPDATE service_plans SET approved_revision = revision WHERE approved_at IS NOT NULL;
UPDATE plan_items SET approved = TRUE
    WHERE plan_id IN (SELECT id FROM service_plans WHERE approved_at IS NOT NULL);

-- Plans awaiting their first approval: their drafters and changers, from the audit log.
INSERT INTO plan_authors (plan_id, revision, subject)
SELECT DISTINCT service_plans.id, service_plans.revision, audit_events.subject
FROM service_plans
JOIN audit_events ON audit_events.resource_id = service_plans.id
WHERE service_plans.approved_at IS NULL
    AND audit_events.resource_type = 'service_plan'
    AND audit_events.action IN ('create_service_plan', 'update_service_plan')
    AND audit_events.outcome = 'success';
