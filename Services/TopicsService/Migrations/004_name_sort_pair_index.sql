-- The same filter pairs as 003, sorted by name (the list's other common order): the page comes off the index
-- instead of sorting every match.
CREATE INDEX org_topics_parent_segment_name_idx ON org_topics (org_id, parent_category, segment_type, lower(topic_name), id);
