DROP TABLE time_bank_postings;
DROP TABLE time_bank_transfers;
DROP TABLE time_bank_members;
