ALTER TABLE "server_tools" DROP CONSTRAINT "server_tools_server_id_servers_id_fk";
--> statement-breakpoint
ALTER TABLE "server_tools" DROP CONSTRAINT "server_tools_hash_tool_definitions_hash_fk";
--> statement-breakpoint
ALTER TABLE "tool_changes" DROP CONSTRAINT "tool_changes_server_id_servers_id_fk";
--> statement-breakpoint
ALTER TABLE "tool_changes" DROP CONSTRAINT "tool_changes_run_id_crawl_runs_id_fk";
--> statement-breakpoint
-- The references of server_tools and tool_changes (to servers, tool definitions and crawl runs) are checked once a
-- statement instead of by foreign keys: a foreign key checks and locks the referenced row of each row written, which
-- was 41% of PostgreSQL's CPU storing a first crawl (docs/scale.md, "Storing fast"). The rules stay the foreign
-- keys': a row that names a server, definition or run that is not there fails with foreign_key_violation; deleting a
-- server deletes its tools and changes, deleting a run clears its changes' run_id, a definition a tool names cannot
-- be deleted, and referenced keys do not change. A writer of the referencing rows and a remover of referenced ones
-- do not race: the remover first locks the referencing tables against writes (SHARE ROW EXCLUSIVE), so it waits for
-- any writer in flight and then acts on what that writer committed, and a writer after it waits for it and then
-- finds the referenced row gone.
CREATE FUNCTION references_present() RETURNS trigger LANGUAGE plpgsql
-- Each distinct value is looked up through the referenced table's key, never by reading the whole table.
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
  missing text;
BEGIN
  -- TG_ARGV: the referencing column, the referenced table, its key.
  EXECUTE format(
    'SELECT n.v::text FROM (SELECT DISTINCT %1$I AS v FROM new_rows WHERE %1$I IS NOT NULL) n WHERE NOT EXISTS (SELECT 1 FROM %2$I r WHERE r.%3$I = n.v) LIMIT 1',
    TG_ARGV[0], TG_ARGV[1], TG_ARGV[2]) INTO missing;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'insert or update on table "%" violates its reference to %: % = % is not there', TG_TABLE_NAME, TG_ARGV[1], TG_ARGV[0], missing
      USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
DO $$
DECLARE
  ref text[];
BEGIN
  FOREACH ref SLICE 1 IN ARRAY ARRAY[
    ['server_tools', 'server_id', 'servers', 'id'],
    ['server_tools', 'hash', 'tool_definitions', 'hash'],
    ['tool_changes', 'server_id', 'servers', 'id'],
    ['tool_changes', 'run_id', 'crawl_runs', 'id']
  ] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION references_present(%L, %L, %L)',
      ref[1] || '_' || ref[2] || '_inserted_present', ref[1], ref[2], ref[3], ref[4]);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION references_present(%L, %L, %L)',
      ref[1] || '_' || ref[2] || '_updated_present', ref[1], ref[2], ref[3], ref[4]);
  END LOOP;
END $$;
--> statement-breakpoint
CREATE FUNCTION servers_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE server_tools, tool_changes IN SHARE ROW EXCLUSIVE MODE;
  IF TG_OP = 'TRUNCATE' THEN
    -- Not TRUNCATE: the tables may be in this same TRUNCATE command, which holds them.
    DELETE FROM server_tools;
    DELETE FROM tool_changes;
  ELSE
    DELETE FROM server_tools WHERE server_id IN (SELECT id FROM old_rows);
    DELETE FROM tool_changes WHERE server_id IN (SELECT id FROM old_rows);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER servers_deleted_cascade AFTER DELETE ON servers REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION servers_removed();
--> statement-breakpoint
CREATE TRIGGER servers_truncated_cascade AFTER TRUNCATE ON servers FOR EACH STATEMENT EXECUTE FUNCTION servers_removed();
--> statement-breakpoint
CREATE FUNCTION crawl_runs_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE tool_changes IN SHARE ROW EXCLUSIVE MODE;
  IF TG_OP = 'TRUNCATE' THEN
    UPDATE tool_changes SET run_id = NULL WHERE run_id IS NOT NULL;
  ELSE
    UPDATE tool_changes SET run_id = NULL WHERE run_id IN (SELECT id FROM old_rows);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER crawl_runs_deleted_set_null AFTER DELETE ON crawl_runs REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION crawl_runs_removed();
--> statement-breakpoint
CREATE TRIGGER crawl_runs_truncated_set_null AFTER TRUNCATE ON crawl_runs FOR EACH STATEMENT EXECUTE FUNCTION crawl_runs_removed();
--> statement-breakpoint
CREATE FUNCTION tool_definitions_removed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  named text;
BEGIN
  LOCK TABLE server_tools IN SHARE ROW EXCLUSIVE MODE;
  IF TG_OP = 'TRUNCATE' THEN
    SELECT hash INTO named FROM server_tools LIMIT 1;
  ELSE
    SELECT st.hash INTO named FROM server_tools st WHERE st.hash IN (SELECT hash FROM old_rows) LIMIT 1;
  END IF;
  IF named IS NOT NULL THEN
    RAISE EXCEPTION 'the tool definition % is still named by a server''s tool (server_tools)', named USING ERRCODE = 'foreign_key_violation';
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER tool_definitions_deleted_restrict AFTER DELETE ON tool_definitions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tool_definitions_removed();
--> statement-breakpoint
CREATE TRIGGER tool_definitions_truncated_restrict AFTER TRUNCATE ON tool_definitions FOR EACH STATEMENT EXECUTE FUNCTION tool_definitions_removed();
--> statement-breakpoint
-- A referenced key is an identity (a registry id, a content hash, a run number): it never changes.
CREATE FUNCTION referenced_key_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the key of a row of % does not change (% rows are referenced by it)', TG_TABLE_NAME, TG_TABLE_NAME USING ERRCODE = 'foreign_key_violation';
END $$;
--> statement-breakpoint
CREATE TRIGGER servers_id_kept BEFORE UPDATE OF id ON servers FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION referenced_key_kept();
--> statement-breakpoint
CREATE TRIGGER tool_definitions_hash_kept BEFORE UPDATE OF hash ON tool_definitions FOR EACH ROW WHEN (OLD.hash IS DISTINCT FROM NEW.hash) EXECUTE FUNCTION referenced_key_kept();
--> statement-breakpoint
CREATE TRIGGER crawl_runs_id_kept BEFORE UPDATE OF id ON crawl_runs FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION referenced_key_kept();
--> statement-breakpoint
-- Inserts into server_tools and tool_changes now keep a transition table for the references' checks anyway, so the
-- triggers that move a server's content_version (0003) read it once a statement too, instead of running row by row
-- (a tenth of PostgreSQL's CPU storing a first crawl, for a condition that only asked whether the store wrote).
DROP TRIGGER server_tools_inserted ON server_tools;
--> statement-breakpoint
DROP TRIGGER tool_changes_inserted ON tool_changes;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION servers_content_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE servers SET content_version = gen_random_uuid() WHERE id IN (SELECT server_id FROM new_rows);
  RETURN NULL;
END $$;
--> statement-breakpoint
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['server_tools', 'tool_changes'] LOOP
    EXECUTE format($c$CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT WHEN (current_setting('toolrisk.content_version', true) IS DISTINCT FROM 'store') EXECUTE FUNCTION servers_content_inserted()$c$, t || '_inserted', t);
  END LOOP;
END $$;
