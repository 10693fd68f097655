-- +goose Up
-- API tokens (Authorization: Token <key>), the way Open Klant and Open Object authenticate
-- their clients. Only a SHA-256 of each token is kept: tokens are long random strings, so a
-- fast hash suffices, and a leaked table does not leak usable tokens.
CREATE TABLE api_token (
    token_hash TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL
);
CREATE INDEX api_token_client ON api_token (client_id);

-- +goose Down
DROP TABLE api_token;
