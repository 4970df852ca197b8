CREATE TABLE "loyalty_ledger" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"customer_id" text NOT NULL,
	"order_id" text NOT NULL,
	"amount_cents" integer NOT NULL,
	"points" integer NOT NULL,
	"balance_after" integer NOT NULL,
	"accrued_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "loyalty_tier_runs" (
	"run_id" text PRIMARY KEY NOT NULL,
	"trigger" text NOT NULL,
	"status" text NOT NULL,
	"as_of_month" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"records" integer DEFAULT 0 NOT NULL,
	"changed" integer DEFAULT 0 NOT NULL,
	"digest" text,
	"aggregates_exported_at" timestamp with time zone,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "users" (
	"customer_id" text PRIMARY KEY NOT NULL,
	"display_name" text,
	"points_balance" integer DEFAULT 0 NOT NULL,
	"tier" text DEFAULT 'BRONZE' NOT NULL,
	"window_month" integer NOT NULL,
	"monthly_points" integer[] NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"tier_updated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "loyalty_ledger" ADD CONSTRAINT "loyalty_ledger_customer_id_users_customer_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."users"("customer_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_ledger_customer_order_key" ON "loyalty_ledger" USING btree ("customer_id","order_id");--> statement-breakpoint
CREATE INDEX "loyalty_ledger_customer_id_idx" ON "loyalty_ledger" USING btree ("customer_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_tier_runs_one_running" ON "loyalty_tier_runs" USING btree ("status") WHERE status = 'running';--> statement-breakpoint
CREATE INDEX "loyalty_tier_runs_started_idx" ON "loyalty_tier_runs" USING btree ("started_at");