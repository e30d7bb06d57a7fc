DROP TABLE offer_locations;
ALTER TABLE provider_offers DROP COLUMN at_home;
DROP TABLE location_exception_hours;
DROP TABLE location_exceptions;
DROP TABLE location_hours;
DROP TABLE locations;
