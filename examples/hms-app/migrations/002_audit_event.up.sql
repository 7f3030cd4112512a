-- Append-only audit trail of every access to patient data (HIPAA 45 CFR 164.312(b)).
CREATE TABLE audit_event (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_time    timestamptz NOT NULL,
    request_id    text NOT NULL,
    actor_id      text NOT NULL,
    actor_role    text NOT NULL,
    action        text NOT NULL CHECK (action IN ('read', 'search', 'create', 'update')),
    resource_type text NOT NULL CHECK (resource_type IN ('Patient', 'Observation', 'AuditEvent')),
    resource_id   text,
    patient_id    text,
    outcome       text NOT NULL CHECK (outcome IN ('success', 'denied', 'not-found', 'invalid', 'conflict'))
);
CREATE INDEX audit_event_patient_idx ON audit_event (patient_id, event_time DESC);
CREATE INDEX audit_event_actor_idx ON audit_event (actor_id, event_time DESC);

-- Rows may be added but never changed or removed, whoever the caller is.
CREATE FUNCTION audit_event_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % is not allowed', TG_OP;
END;
$$;
CREATE TRIGGER audit_event_no_update_or_delete
    BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only();
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_is_append_only();
