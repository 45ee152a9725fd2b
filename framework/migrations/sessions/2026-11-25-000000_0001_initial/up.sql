-- Django's django_session, as manouche_session.
CREATE TABLE manouche_session (
    session_key VARCHAR(40) NOT NULL PRIMARY KEY,
    session_data TEXT NOT NULL,
    expire_date TIMESTAMP NOT NULL
);
CREATE INDEX manouche_session_expire_date_idx ON manouche_session (expire_date);
