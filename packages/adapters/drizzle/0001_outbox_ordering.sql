ALTER TABLE "outbox" ADD COLUMN "ordering_key" text;--> statement-breakpoint
-- Rows written before ordering keys existed are independent of each other.
UPDATE "outbox" SET "ordering_key" = "kind" || ':' || "id"::text WHERE "ordering_key" IS NULL;--> statement-breakpoint
ALTER TABLE "outbox" ALTER COLUMN "ordering_key" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "outbox_pending_ordering_idx" ON "outbox" USING btree ("ordering_key","id") WHERE delivered_at IS NULL;
