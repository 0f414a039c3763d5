-- A user's interface preferences (theme, page size, defaults), as one JSON object.
CREATE TABLE user_preferences (
    user_id     BIGINT      PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    preferences JSONB       NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
