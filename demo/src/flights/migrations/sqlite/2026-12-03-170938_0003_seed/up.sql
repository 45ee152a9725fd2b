-- The lecture's airports and flights, so that the pages show something at once.
INSERT INTO "flights_airport" ("code", "city") VALUES
    ('JFK', 'New York'), ('LHR', 'London'), ('CDG', 'Paris'),
    ('PVG', 'Shanghai'), ('IST', 'Istanbul'), ('NRT', 'Tokyo'),
    ('SVO', 'Moscow'), ('LIM', 'Lima');
INSERT INTO "flights_flight" ("origin_id", "destination_id", "duration")
SELECT o."id", d."id", f."duration"
FROM (
    SELECT 1 AS "n", 'JFK' AS "origin", 'LHR' AS "destination", 415 AS "duration"
    UNION ALL SELECT 2, 'PVG', 'CDG', 760
    UNION ALL SELECT 3, 'IST', 'NRT', 700
    UNION ALL SELECT 4, 'JFK', 'CDG', 435
    UNION ALL SELECT 5, 'SVO', 'CDG', 245
    UNION ALL SELECT 6, 'LIM', 'JFK', 455
) AS f
JOIN "flights_airport" o ON o."code" = f."origin"
JOIN "flights_airport" d ON d."code" = f."destination"
ORDER BY f."n";
INSERT INTO "flights_passenger" ("first", "last") VALUES
    ('Harry', 'Potter'), ('Ron', 'Weasley'), ('Hermione', 'Granger'), ('Ginny', 'Weasley');
