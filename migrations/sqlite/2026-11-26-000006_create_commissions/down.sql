DROP TABLE report_versions;
DROP TABLE reports;
DROP TABLE commission_annexes;
DROP TABLE commissions;
