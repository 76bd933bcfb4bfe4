-- Reference data the lead screens name things with (branches, channels, departments, staff
-- names), as the server last answered, so a booker offline still reads "王芳" and "一店", not
-- ids. One JSON document per kind.
CREATE TABLE reference (
    kind TEXT PRIMARY KEY,
    doc  TEXT NOT NULL
) WITHOUT ROWID;
