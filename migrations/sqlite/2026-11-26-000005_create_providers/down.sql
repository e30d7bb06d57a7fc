DROP TABLE provider_offers;
DROP TABLE providers;
