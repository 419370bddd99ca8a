-- AlterTable
ALTER TABLE "outbox_events" ADD COLUMN     "trace_context" VARCHAR(128);

-- AlterTable
ALTER TABLE "outgoing_emails" ADD COLUMN     "trace_context" VARCHAR(128);
