CREATE TABLE "parent" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(10) NOT NULL);
CREATE TABLE "child" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "parent_id" bigint NOT NULL REFERENCES "parent" ("id") ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED);
INSERT INTO "parent" ("name") VALUES ('p');
INSERT INTO "child" ("parent_id") VALUES (1);
