-- The corpus totals, as `soi stats` prints them (documents, paragraphs, sentences,
-- syllables, distinct syllables, characters, words, distinct words, words seen once).
-- Plain SQL: runs unchanged in DuckDB and Spark.
WITH word_totals AS (
  SELECT word, sum(count) AS n FROM terms GROUP BY word
)
SELECT
  (SELECT count(*) FROM documents) AS documents,
  (SELECT sum(paragraphs) FROM documents) AS paragraphs,
  (SELECT sum(sentences) FROM documents) AS sentences,
  (SELECT sum(syllables) FROM documents) AS syllables,
  (SELECT count(DISTINCT syllable) FROM syllables) AS types,
  (SELECT sum(chars) FROM documents) AS chars,
  (SELECT sum(words) FROM documents) AS words,
  (SELECT count(*) FROM word_totals) AS word_types,
  (SELECT count(*) FROM word_totals WHERE n = 1) AS hapaxes
