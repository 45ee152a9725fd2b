DELETE FROM "flights_passenger" WHERE ("first", "last") IN
    (VALUES ('Harry', 'Potter'), ('Ron', 'Weasley'), ('Hermione', 'Granger'), ('Ginny', 'Weasley'));
DELETE FROM "flights_airport" WHERE "code" IN ('JFK', 'LHR', 'CDG', 'PVG', 'IST', 'NRT', 'SVO', 'LIM');
