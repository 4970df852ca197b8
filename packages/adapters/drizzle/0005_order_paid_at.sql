ALTER TABLE "orders" ADD COLUMN "paid_at" timestamp with time zone;--> statement-breakpoint
-- Orders paid before the column existed: PAID was final then, so their last change was the payment.
UPDATE "orders" SET "paid_at" = "updated_at" WHERE "status" = 'PAID' AND "paid_at" IS NULL;
