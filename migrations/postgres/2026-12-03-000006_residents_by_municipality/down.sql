DROP INDEX residents_teryt;
