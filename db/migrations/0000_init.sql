CREATE TABLE "classifications" (
	"hash" text NOT NULL,
	"classifier_version" text NOT NULL,
	"category" text NOT NULL,
	"severity" text NOT NULL,
	"flags" text[] DEFAULT '{}'::text[] NOT NULL,
	"confidence" real NOT NULL,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"annotation_conflicts" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"explanation" text NOT NULL,
	"classified_at" timestamp with time zone NOT NULL,
	CONSTRAINT "classifications_hash_classifier_version_pk" PRIMARY KEY("hash","classifier_version")
);
--> statement-breakpoint
CREATE TABLE "crawl_attempts" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "crawl_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"run_id" integer NOT NULL,
	"server_id" text NOT NULL,
	"target" text NOT NULL,
	"transport" text,
	"outcome" text NOT NULL,
	"error" text,
	"stderr" text,
	"started_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"server_info" jsonb,
	"tool_count" integer,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "crawl_runs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "crawl_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"status" text DEFAULT 'running' NOT NULL,
	"options" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"summary" jsonb
);
--> statement-breakpoint
CREATE TABLE "server_tools" (
	"server_id" text NOT NULL,
	"name" text NOT NULL,
	"hash" text NOT NULL,
	"position" integer NOT NULL,
	"since" timestamp with time zone NOT NULL,
	CONSTRAINT "server_tools_server_id_name_pk" PRIMARY KEY("server_id","name")
);
--> statement-breakpoint
CREATE TABLE "servers" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text,
	"description" text,
	"repository" jsonb,
	"website" text,
	"version" text,
	"packages" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"remotes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"sources" text[] DEFAULT '{}'::text[] NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"source_meta" jsonb,
	"first_seen" timestamp with time zone NOT NULL,
	"last_seen" timestamp with time zone NOT NULL,
	"last_attempt_at" timestamp with time zone,
	"last_outcome" text,
	"last_success_at" timestamp with time zone,
	"tool_count" integer,
	"toolset_hash" text
);
--> statement-breakpoint
CREATE TABLE "sync_state" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tool_changes" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "tool_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"server_id" text NOT NULL,
	"run_id" integer,
	"tool_name" text NOT NULL,
	"kind" text NOT NULL,
	"old_hash" text,
	"new_hash" text,
	"fields" text[] DEFAULT '{}'::text[] NOT NULL,
	"detected_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tool_definitions" (
	"hash" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"title" text,
	"description" text,
	"input_schema" jsonb,
	"output_schema" jsonb,
	"annotations" jsonb,
	"description_truncated" boolean DEFAULT false NOT NULL,
	"first_seen" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "classifications" ADD CONSTRAINT "classifications_hash_tool_definitions_hash_fk" FOREIGN KEY ("hash") REFERENCES "public"."tool_definitions"("hash") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crawl_attempts" ADD CONSTRAINT "crawl_attempts_run_id_crawl_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."crawl_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crawl_attempts" ADD CONSTRAINT "crawl_attempts_server_id_servers_id_fk" FOREIGN KEY ("server_id") REFERENCES "public"."servers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "server_tools" ADD CONSTRAINT "server_tools_server_id_servers_id_fk" FOREIGN KEY ("server_id") REFERENCES "public"."servers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "server_tools" ADD CONSTRAINT "server_tools_hash_tool_definitions_hash_fk" FOREIGN KEY ("hash") REFERENCES "public"."tool_definitions"("hash") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tool_changes" ADD CONSTRAINT "tool_changes_server_id_servers_id_fk" FOREIGN KEY ("server_id") REFERENCES "public"."servers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tool_changes" ADD CONSTRAINT "tool_changes_run_id_crawl_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."crawl_runs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "classifications_category_idx" ON "classifications" USING btree ("classifier_version","category");--> statement-breakpoint
CREATE INDEX "classifications_severity_idx" ON "classifications" USING btree ("classifier_version","severity");--> statement-breakpoint
CREATE UNIQUE INDEX "crawl_attempts_run_server_target_idx" ON "crawl_attempts" USING btree ("run_id","server_id","target");--> statement-breakpoint
CREATE INDEX "crawl_attempts_server_idx" ON "crawl_attempts" USING btree ("server_id","started_at");--> statement-breakpoint
CREATE INDEX "server_tools_hash_idx" ON "server_tools" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "servers_status_idx" ON "servers" USING btree ("status");--> statement-breakpoint
CREATE INDEX "tool_changes_server_idx" ON "tool_changes" USING btree ("server_id","detected_at");--> statement-breakpoint
CREATE INDEX "tool_changes_detected_idx" ON "tool_changes" USING btree ("detected_at");