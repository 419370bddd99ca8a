-- AlterTable
ALTER TABLE "outbox_events" ADD COLUMN     "seq" BIGSERIAL NOT NULL;

-- CreateTable
CREATE TABLE "outgoing_emails" (
    "id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "kind" VARCHAR(32) NOT NULL,
    "recipient" VARCHAR(320) NOT NULL,
    "subject" TEXT NOT NULL,
    "text_body" TEXT NOT NULL,
    "html_body" TEXT NOT NULL,
    "message_id" VARCHAR(255) NOT NULL,
    "status" VARCHAR(16) NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "in_doubt_attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "locked_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outgoing_emails_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "outgoing_emails_message_id_key" ON "outgoing_emails"("message_id");

-- CreateIndex
CREATE INDEX "outgoing_emails_status_next_attempt_at_idx" ON "outgoing_emails"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "outgoing_emails_created_at_idx" ON "outgoing_emails"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "outgoing_emails_event_id_kind_key" ON "outgoing_emails"("event_id", "kind");

-- Hand-written below this line.

-- The relay's claim query: unsent rows in seq order, and the per-aggregate
-- "is an earlier event still unsent?" check. Sent rows are not in the index.
-- They replace the (created_at, id) one: created_at is the application's
-- clock, which two transactions can read in the opposite order of their commits.
DROP INDEX "outbox_events_unsent_created_at_idx";
CREATE INDEX "outbox_events_unsent_seq_idx" ON "outbox_events" ("seq") WHERE "sent_at" IS NULL;
CREATE INDEX "outbox_events_unsent_aggregate_idx" ON "outbox_events" ("aggregate_id", "seq") WHERE "sent_at" IS NULL;

ALTER TABLE "outgoing_emails" ADD CONSTRAINT "outgoing_emails_status_check"
  CHECK ("status" IN ('pending', 'sent', 'failed'));
ALTER TABLE "outgoing_emails" ADD CONSTRAINT "outgoing_emails_attempts_check" CHECK ("attempts" >= 0);

-- Wake-ups: the relay LISTENs on outbox_events and the email dispatcher on
-- outgoing_emails, so new work is picked up at commit instead of at the next
-- poll (the poll stays as a safety net for a lost connection). One NOTIFY per
-- statement; PostgreSQL folds repeats within a transaction into one.
CREATE FUNCTION "notify_new_work"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(TG_TABLE_NAME, '');
  RETURN NULL;
END
$$;
CREATE TRIGGER "outbox_events_notify" AFTER INSERT ON "outbox_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_new_work"();
CREATE TRIGGER "outgoing_emails_notify" AFTER INSERT ON "outgoing_emails"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_new_work"();
