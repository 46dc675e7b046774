ALTER TABLE "servers" ADD COLUMN "content_version" uuid DEFAULT gen_random_uuid() NOT NULL;
--> statement-breakpoint
-- A server's content_version moves with every write to what its pages show but its own row (whose columns the
-- fingerprint reads directly): its tool set and tool changes, and any classification one of its tools has that is
-- rewritten or removed. storeSnapshots, which writes tool sets and changes, moves it in its own update of the
-- servers it stores and says so (toolrisk.content_version = 'store', for its transaction), and these triggers stand
-- aside: a transition table of every row it inserts cost about a tenth of its throughput. Any other writer's
-- inserts move it here row by row, its updates and deletes statement by statement.
CREATE FUNCTION servers_content_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE servers SET content_version = gen_random_uuid() WHERE id = NEW.server_id;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION servers_content_rewritten() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE servers SET content_version = gen_random_uuid() WHERE id IN (SELECT server_id FROM old_rows);
  ELSE
    UPDATE servers SET content_version = gen_random_uuid()
    WHERE id IN (SELECT server_id FROM new_rows UNION SELECT server_id FROM old_rows);
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
-- The same three triggers on both tables: <table>_inserted, <table>_updated, <table>_deleted.
DO $$
DECLARE
  t text;
  aside text := $w$WHEN (current_setting('toolrisk.content_version', true) IS DISTINCT FROM 'store')$w$;
BEGIN
  FOREACH t IN ARRAY ARRAY['server_tools', 'tool_changes'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I FOR EACH ROW %s EXECUTE FUNCTION servers_content_inserted()', t || '_inserted', t, aside);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT %s EXECUTE FUNCTION servers_content_rewritten()', t || '_updated', t, aside);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT %s EXECUTE FUNCTION servers_content_rewritten()', t || '_deleted', t, aside);
  END LOOP;
END $$;
--> statement-breakpoint
-- A classification inserted needs nothing: its tool had none, so no page showed it (a build classifies first).
-- Every insert of classifications with ON CONFLICT DO UPDATE fires the update trigger, nearly always with no row.
CREATE FUNCTION servers_classification_rewritten() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM old_rows) THEN
    RETURN NULL;
  END IF;
  UPDATE servers SET content_version = gen_random_uuid()
  WHERE id IN (SELECT st.server_id FROM server_tools st WHERE st.hash IN (SELECT hash FROM old_rows));
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER classifications_updated AFTER UPDATE ON classifications REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION servers_classification_rewritten();
--> statement-breakpoint
CREATE TRIGGER classifications_deleted AFTER DELETE ON classifications REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION servers_classification_rewritten();
--> statement-breakpoint
-- TRUNCATE has no transition table: every server's content moved.
CREATE FUNCTION servers_all_content_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE servers SET content_version = gen_random_uuid();
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER server_tools_truncated AFTER TRUNCATE ON server_tools FOR EACH STATEMENT EXECUTE FUNCTION servers_all_content_written();
--> statement-breakpoint
CREATE TRIGGER tool_changes_truncated AFTER TRUNCATE ON tool_changes FOR EACH STATEMENT EXECUTE FUNCTION servers_all_content_written();
--> statement-breakpoint
CREATE TRIGGER classifications_truncated AFTER TRUNCATE ON classifications FOR EACH STATEMENT EXECUTE FUNCTION servers_all_content_written();
