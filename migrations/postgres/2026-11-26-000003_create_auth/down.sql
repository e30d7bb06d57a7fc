DROP TABLE auth_failures;
DROP TABLE api_clients;
DROP TABLE signing_keys;
