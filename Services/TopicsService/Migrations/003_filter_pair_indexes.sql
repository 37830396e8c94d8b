-- The filter pairs the Topics API's own examples combine (segment type with parent category or taxonomy type):
-- the page comes off the index in the default order, and the total is counted from the index alone.
CREATE INDEX org_topics_parent_segment_idx ON org_topics (org_id, parent_category, segment_type, created_at DESC, id DESC);
CREATE INDEX org_topics_taxonomy_segment_idx ON org_topics (org_id, taxonomy_type, segment_type, created_at DESC, id DESC);
