-- Keywords of the documents in the view `subset` (see subset.sql) against the rest of the
-- corpus, as `soi keywords --keyness FILE --against FILE...` prints them: word, frequency in
-- the subset (target) and in the rest (reference), log-likelihood G² (Rayson & Garside
-- 2000) with its p-value (χ², one degree of freedom), and Hardie's Log Ratio (0.5 for a
-- zero frequency). Words of the subset only, stopwords left out; positive keywords first
-- (by G²), negative ones (Log Ratio < 0) after, ties by frequency then word.
-- p = erfc(√(G²/2)) by the Chebyshev fit Soi uses (src/query/measures.rs), |error| < 1.2e-7.
-- Plain SQL: runs unchanged in DuckDB and Spark.
WITH scope AS (
  SELECT doc_id, words, doc_id IN (SELECT doc_id FROM subset) AS inside FROM documents
),
size AS (
  SELECT CAST(sum(CASE WHEN inside THEN words ELSE 0 END) AS DOUBLE) AS c,
         CAST(sum(CASE WHEN inside THEN 0 ELSE words END) AS DOUBLE) AS d
  FROM scope
),
counts AS (
  SELECT t.word,
         sum(CASE WHEN s.inside THEN t.count ELSE 0 END) AS target,
         sum(CASE WHEN s.inside THEN 0 ELSE t.count END) AS reference
  FROM terms t JOIN scope s ON s.doc_id = t.doc_id
  WHERE NOT t.stopword
  GROUP BY t.word
),
expected AS (
  SELECT word, target, reference,
         CAST(target AS DOUBLE) AS a, CAST(reference AS DOUBLE) AS b, c, d,
         c * (target + reference) / (c + d) AS e1,
         d * (target + reference) / (c + d) AS e2
  FROM counts CROSS JOIN size
  WHERE target > 0
),
measures AS (
  SELECT word, target, reference,
         CASE WHEN c <= 0 OR d <= 0 THEN 0.0
              ELSE 2.0 * (a * ln(a / e1)
                          + CASE WHEN b > 0 THEN b * ln(greatest(b, 1.0) / e2) ELSE 0.0 END)
         END AS g2,
         CASE WHEN c <= 0 OR d <= 0 THEN 0.0
              ELSE log2((a / c) / ((CASE WHEN b = 0 THEN 0.5 ELSE b END) / d))
         END AS log_ratio
  FROM expected
),
erfc AS (
  SELECT word, target, reference, g2, log_ratio, sqrt(greatest(g2, 0.0) / 2.0) AS z,
         1.0 / (1.0 + 0.5 * sqrt(greatest(g2, 0.0) / 2.0)) AS t
  FROM measures
)
SELECT
  word, target, reference, g2,
  CASE WHEN g2 <= 0 THEN 1.0 ELSE
    t * exp(-z * z - 1.26551223
      + t * (1.00002368
      + t * (0.37409196
      + t * (0.09678418
      + t * (-0.18628806
      + t * (0.27886807
      + t * (-1.13520398
      + t * (1.48851587
      + t * (-0.82215223 + t * 0.17087277)))))))))
  END AS p,
  log_ratio
FROM erfc
ORDER BY g2 * (CASE WHEN log_ratio < 0 THEN -1 ELSE 1 END) DESC, target DESC, word
