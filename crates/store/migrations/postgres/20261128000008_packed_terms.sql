-- Each page's terms, packed as the network reader sums them (term, fields and count joined
-- by control characters), written beside the term rows: a network then reads one row per
-- page instead of one per (page, term). Analyses stored before this have packed = FALSE
-- and are packed from their term rows when read.
ALTER TABLE page_analyses ADD COLUMN packed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE page_analyses ADD COLUMN nouns_packed TEXT;
ALTER TABLE page_analyses ADD COLUMN entities_packed TEXT;
ALTER TABLE page_analyses ADD COLUMN keywords_packed TEXT;
