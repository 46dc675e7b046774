ALTER TABLE "crawl_runs" ADD COLUMN "owner" jsonb;--> statement-breakpoint
ALTER TABLE "crawl_runs" ADD COLUMN "lease_until" timestamp with time zone;