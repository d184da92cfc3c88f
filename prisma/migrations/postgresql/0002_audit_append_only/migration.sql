-- AuditEvent is append-only: the database itself refuses UPDATE, DELETE and TRUNCATE, whatever
-- the caller. Prisma's schema language has no triggers, so this migration is written by hand.
--
-- The table's owner and superusers can still disable or drop these triggers and alter rows
-- (run the application as a role that does not own the tables to keep that power away from it);
-- the hash chain (lib/data/audit-log.ts verifyAuditChain, `npm run audit:verify`) detects such
-- tampering.

CREATE FUNCTION "audit_event_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'AuditEvent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "AuditEvent_no_update_delete"
BEFORE UPDATE OR DELETE ON "AuditEvent"
FOR EACH ROW EXECUTE FUNCTION "audit_event_append_only"();

-- Row triggers do not fire for TRUNCATE.
CREATE TRIGGER "AuditEvent_no_truncate"
BEFORE TRUNCATE ON "AuditEvent"
FOR EACH STATEMENT EXECUTE FUNCTION "audit_event_append_only"();
