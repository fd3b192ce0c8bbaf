CREATE TABLE writes (id bigint PRIMARY KEY, port int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE TABLE orders (id bigint PRIMARY KEY, version bigint NOT NULL, note text);
