CREATE TABLE "menu_items" (
	"sku" text PRIMARY KEY NOT NULL,
	"category" text NOT NULL,
	"available" boolean NOT NULL,
	"revision" text NOT NULL,
	"document" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "menu_stores" (
	"store_id" text PRIMARY KEY NOT NULL,
	"document" jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "menu_items_available_category_idx" ON "menu_items" USING btree ("category","sku") WHERE "menu_items"."available";