-- A result already goes with its session through its query (search_queries.session_id
-- cascades). The second foreign key made every inserted result check and lock its
-- session's row too: about 14 % of the time to insert 100,000 results. SQLite keeps it:
-- its check is a plain index lookup, and dropping it there means rebuilding the table.
ALTER TABLE search_results DROP CONSTRAINT search_results_session_id_fkey;
