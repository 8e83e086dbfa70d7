-- The corpus word list, as `soi keywords` prints it: word, frequency, documents, per
-- million words, and Gries' DP over the documents (0: spread as the documents' sizes are;
-- towards 1: in one small part). Stopwords are left out (`terms.stopword`); punctuation
-- and numbers are never in `terms`. Most frequent first, ties by word.
-- DP = ½ Σ_i |v_i/f − s_i| over every document i (s_i its share of the words, v_i the
-- word's count in it, f the word's total); a document without the word adds s_i, so the
-- sum over the documents that have it is Σ (|v_i/f − s_i| − s_i), plus Σ s_i = 1.
-- Plain SQL: runs unchanged in DuckDB and Spark.
WITH corpus AS (
  SELECT CAST(sum(words) AS DOUBLE) AS size, count(*) AS n FROM documents
),
shares AS (
  SELECT d.doc_id, CASE WHEN c.size > 0 THEN d.words / c.size ELSE 0 END AS s
  FROM documents d CROSS JOIN corpus c
),
freq AS (
  SELECT word, sum(count) AS frequency, count(*) AS documents
  FROM terms WHERE NOT stopword GROUP BY word
),
dp AS (
  SELECT t.word, sum(abs(t.count / CAST(f.frequency AS DOUBLE) - z.s) - z.s) AS acc
  FROM terms t JOIN freq f ON f.word = t.word JOIN shares z ON z.doc_id = t.doc_id
  GROUP BY t.word
)
SELECT
  f.word,
  f.frequency,
  f.documents,
  CASE WHEN c.size > 0 THEN f.frequency * 1e6 / c.size ELSE 0 END AS per_million,
  CASE WHEN c.n > 1 THEN least(greatest(0.5 * (dp.acc + 1), 0.0), 1.0) ELSE 0 END AS dp
FROM freq f JOIN dp ON dp.word = f.word CROSS JOIN corpus c
ORDER BY f.frequency DESC, f.word
LIMIT 100
