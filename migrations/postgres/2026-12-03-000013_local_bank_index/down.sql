DROP INDEX services_status_updated;
