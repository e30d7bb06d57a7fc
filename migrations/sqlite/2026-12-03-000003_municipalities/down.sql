DROP TABLE municipalities;
