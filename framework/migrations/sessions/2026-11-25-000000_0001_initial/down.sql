DROP TABLE manouche_session;
