-- Entities named in the same sentence (persons, organizations, places, events), with the
-- number of sentences; `unit = 'paragraph'` for paragraphs. A pair is stored once, the
-- smaller (type, name) first. Plain SQL (DuckDB and Spark).
SELECT type_a, canonical_a, type_b, canonical_b, sum(count) AS sentences,
       count(DISTINCT doc_id) AS documents
FROM pairs
WHERE unit = 'sentence'
GROUP BY type_a, canonical_a, type_b, canonical_b
ORDER BY sentences DESC, canonical_a, canonical_b
