DROP TABLE fee_assessments;
