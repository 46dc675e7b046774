-- Content hashes (lowercase hex) are compared byte by byte. Under a database's linguistic collation (C.UTF-8 and
-- the like; PostgreSQL 15 treats only "C" and "POSIX" as bytewise) every key comparison went through strcoll, and
-- B-tree comparisons were the largest part of PostgreSQL's CPU storing a first crawl (docs/scale.md, "Storing
-- fast"). Hex digits sort the same either way, so no order anyone sees changes. Every column holding a definition's
-- hash moves together: two columns compared with each other must share a collation.
DROP TRIGGER tool_definitions_hash_kept ON tool_definitions;
--> statement-breakpoint
ALTER TABLE "tool_definitions" ALTER COLUMN "hash" TYPE text COLLATE "C";
--> statement-breakpoint
CREATE TRIGGER tool_definitions_hash_kept BEFORE UPDATE OF hash ON tool_definitions FOR EACH ROW WHEN (OLD.hash IS DISTINCT FROM NEW.hash) EXECUTE FUNCTION referenced_key_kept();
--> statement-breakpoint
ALTER TABLE "server_tools" ALTER COLUMN "hash" TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "classifications" ALTER COLUMN "hash" TYPE text COLLATE "C";
--> statement-breakpoint
ALTER TABLE "tool_changes" ALTER COLUMN "old_hash" TYPE text COLLATE "C", ALTER COLUMN "new_hash" TYPE text COLLATE "C";
