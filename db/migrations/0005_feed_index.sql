-- The feed reads the latest changes by (detected_at, id), newest first: with the index on detected_at alone, PostgreSQL sorted every change ever recorded for each build.
DROP INDEX "tool_changes_detected_idx";--> statement-breakpoint
CREATE INDEX "tool_changes_detected_idx" ON "tool_changes" USING btree ("detected_at","id");