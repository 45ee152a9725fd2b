DROP TABLE half_done;
