-- A word's frequency per 10,000 words, month by month (documents with a date), as the
-- Trends view counts it. Edit the word in `wanted` (lower case, syllables separated by
-- single spaces: the key `terms.word` holds). Plain SQL (DuckDB and Spark).
WITH wanted AS (
  SELECT 'đối ngoại' AS word
),
months AS (
  SELECT doc_id, substr(date, 1, 7) AS month, words FROM documents WHERE date IS NOT NULL
),
hits AS (
  SELECT t.doc_id, sum(t.count) AS n
  FROM terms t JOIN wanted w ON w.word = t.word
  GROUP BY t.doc_id
)
SELECT m.month,
       count(*) AS documents,
       sum(m.words) AS words,
       coalesce(sum(h.n), 0) AS hits,
       CASE WHEN sum(m.words) > 0 THEN 1e4 * coalesce(sum(h.n), 0) / sum(m.words) ELSE 0 END
         AS per_10k
FROM months m LEFT JOIN hits h ON h.doc_id = m.doc_id
GROUP BY m.month
ORDER BY m.month
