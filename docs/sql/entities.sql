-- The entity table, as `soi entities --table` prints it: type, canonical name, mentions and
-- documents; most mentioned first, then by type and name. Plain SQL (DuckDB and Spark).
SELECT type, canonical, count(*) AS mentions, count(DISTINCT doc_id) AS documents
FROM entities
GROUP BY type, canonical
ORDER BY mentions DESC, type, canonical
