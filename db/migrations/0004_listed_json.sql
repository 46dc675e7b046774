-- Schemas and annotations as the JSON text the server listed (jsonb reordered their keys); one table rewrite for the three.
ALTER TABLE "tool_definitions"
  ALTER COLUMN "input_schema" SET DATA TYPE text USING "input_schema"::text,
  ALTER COLUMN "output_schema" SET DATA TYPE text USING "output_schema"::text,
  ALTER COLUMN "annotations" SET DATA TYPE text USING "annotations"::text;
