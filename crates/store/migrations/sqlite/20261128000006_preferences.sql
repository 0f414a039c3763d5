-- A user's interface preferences (theme, page size, defaults), as one JSON object.
CREATE TABLE user_preferences (
    user_id     INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    preferences TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
