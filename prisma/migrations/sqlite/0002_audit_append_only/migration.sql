-- AuditEvent is append-only: the database itself refuses UPDATE and DELETE, whatever the caller.
-- Prisma's schema language has no triggers, so this migration is written by hand.
--
-- SQLite fires no trigger for DROP TABLE (and drops a table's triggers with it). A later
-- migration that rebuilds "AuditEvent" (create new table, copy, drop, rename: the shape
-- `prisma migrate diff` writes for SQLite) must create these two triggers again.
--
-- Anyone who can write the database file can still drop the triggers and alter rows; the hash
-- chain (lib/data/audit-log.ts verifyAuditChain, `npm run audit:verify`) detects that.

CREATE TRIGGER "AuditEvent_no_update"
BEFORE UPDATE ON "AuditEvent"
BEGIN
    SELECT RAISE(ABORT, 'AuditEvent is append-only: UPDATE refused');
END;

CREATE TRIGGER "AuditEvent_no_delete"
BEFORE DELETE ON "AuditEvent"
BEGIN
    SELECT RAISE(ABORT, 'AuditEvent is append-only: DELETE refused');
END;
