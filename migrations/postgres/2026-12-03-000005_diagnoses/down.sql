DROP TABLE diagnosis_municipalities;
DROP TABLE diagnoses;
