DROP TABLE programme_services;
DROP TABLE programmes;
