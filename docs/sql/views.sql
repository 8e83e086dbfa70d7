-- The shards as tables (DuckDB). Run from the folder that holds `shards/`: every
-- `soi index --out shards/NAME` folder under it (or `shards/` itself) is read, and a folder
-- without its manifest.json (an interrupted run) is left out.
CREATE OR REPLACE MACRO complete_shards(pattern) AS TABLE
  SELECT * FROM read_parquet(pattern, filename = true);
CREATE OR REPLACE TEMP VIEW shard_manifests AS
  SELECT regexp_replace(file, 'manifest\.json$', '') AS shard FROM glob('shards/**/manifest.json');
CREATE OR REPLACE VIEW documents AS
  SELECT * EXCLUDE (filename) FROM complete_shards('shards/**/documents.parquet')
  WHERE regexp_replace(filename, 'documents\.parquet$', '') IN (SELECT shard FROM shard_manifests);
CREATE OR REPLACE VIEW terms AS
  SELECT * EXCLUDE (filename) FROM complete_shards('shards/**/terms.parquet')
  WHERE regexp_replace(filename, 'terms\.parquet$', '') IN (SELECT shard FROM shard_manifests);
CREATE OR REPLACE VIEW syllables AS
  SELECT * EXCLUDE (filename) FROM complete_shards('shards/**/syllables.parquet')
  WHERE regexp_replace(filename, 'syllables\.parquet$', '') IN (SELECT shard FROM shard_manifests);
CREATE OR REPLACE VIEW entities AS
  SELECT * EXCLUDE (filename) FROM complete_shards('shards/**/entities.parquet')
  WHERE regexp_replace(filename, 'entities\.parquet$', '') IN (SELECT shard FROM shard_manifests);
CREATE OR REPLACE VIEW pairs AS
  SELECT * EXCLUDE (filename) FROM complete_shards('shards/**/pairs.parquet')
  WHERE regexp_replace(filename, 'pairs\.parquet$', '') IN (SELECT shard FROM shard_manifests);
