-- The documents keyness.sql compares against the rest. Edit the WHERE (or run one of the
-- lines below instead), then run keyness.sql. As shipped: the earliest year in the corpus.
CREATE OR REPLACE TEMP VIEW subset AS
  SELECT doc_id FROM documents WHERE year = (SELECT min(year) FROM documents);
-- A source:  CREATE OR REPLACE TEMP VIEW subset AS SELECT doc_id FROM documents WHERE source = 'vnexpress';
-- A folder:  CREATE OR REPLACE TEMP VIEW subset AS SELECT doc_id FROM documents WHERE starts_with(path, 'news/2008/');
-- A month:   CREATE OR REPLACE TEMP VIEW subset AS SELECT doc_id FROM documents WHERE date LIKE '2008-05-%';
-- One file:  CREATE OR REPLACE TEMP VIEW subset AS SELECT doc_id FROM documents WHERE path = 'a.txt';
