-- Patients and observations, stored as FHIR R4 JSON with the columns that searches use.
CREATE TABLE patient (
    id                text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9.-]{1,64}$'),
    family            text,
    given             text,
    identifier_values text[] NOT NULL DEFAULT '{}',
    resource          jsonb NOT NULL CHECK (resource->>'resourceType' = 'Patient'),
    version_id        integer NOT NULL CHECK (version_id >= 1),
    last_updated      timestamptz NOT NULL
);
CREATE INDEX patient_family_idx ON patient (lower(family) text_pattern_ops);
CREATE INDEX patient_given_idx ON patient (lower(given) text_pattern_ops);
CREATE INDEX patient_identifier_idx ON patient USING gin (identifier_values);

CREATE TABLE observation (
    id           text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9.-]{1,64}$'),
    patient_id   text NOT NULL REFERENCES patient (id) ON DELETE RESTRICT,
    codes        text[] NOT NULL DEFAULT '{}',
    effective    timestamptz,
    resource     jsonb NOT NULL CHECK (resource->>'resourceType' = 'Observation'),
    version_id   integer NOT NULL CHECK (version_id >= 1),
    last_updated timestamptz NOT NULL
);
CREATE INDEX observation_patient_idx ON observation (patient_id, effective DESC);
CREATE INDEX observation_codes_idx ON observation USING gin (codes);
