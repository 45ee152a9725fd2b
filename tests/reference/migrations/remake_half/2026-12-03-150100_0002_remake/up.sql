-- A table remade as makemigrations writes it for SQLite, failing after the old table is
-- dropped: the script's own transaction must be rolled back and foreign keys turned on.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE "new__parent" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(20) NOT NULL);
INSERT INTO "new__parent" ("id", "name") SELECT "id", "name" FROM "parent";
DROP TABLE "parent";
INSERT INTO "no_such_table" VALUES (1);
ALTER TABLE "new__parent" RENAME TO "parent";
COMMIT;
PRAGMA foreign_keys = ON;
