-- Evidence behind network edges. Each stored term keeps where its first few occurrences
-- are in the page's main text ("start-end,start-end,…" as byte offsets), so an edge's
-- keyword-in-context snippets are cut from the stored text without re-running the NLP.
-- Each page keeps its links' anchor texts (a JSON array parallel to `outlinks`), so a
-- hyperlink edge can say what the linking page called its target.
ALTER TABLE page_nouns ADD COLUMN spans TEXT;
ALTER TABLE page_entities ADD COLUMN spans TEXT;
ALTER TABLE page_keywords ADD COLUMN spans TEXT;
ALTER TABLE pages ADD COLUMN anchors JSONB;
