DROP TABLE plan_item_changes;
