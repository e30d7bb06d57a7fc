DROP TABLE item_deliveries;
DROP TABLE plan_revisions;
DROP TABLE plan_items;
DROP TABLE service_plans;
DROP TABLE residents;
