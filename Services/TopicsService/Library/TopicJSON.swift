import ServiceKit

/// A library topic as the API shows it, built by Postgres from a row `o` of org_topics: one definition for the
/// list, the single topic, the writes and the JSON export, with no decoding and re-encoding in between.
enum TopicJSON {
    static let expression = """
        json_build_object(
            'id', o.id, 'global_topic_id', o.global_topic_id, 'topic_name', o.topic_name,
            'parent_category', o.parent_category, 'taxonomy_type', o.taxonomy_type, 'subcategory', o.subcategory,
            'subcategory_l1', o.subcategory_l1, 'subcategory_l2', o.subcategory_l2, 'subcategory_l3', o.subcategory_l3,
            'subcategory_l4', o.subcategory_l4, 'segment_type', o.segment_type, 'audience_type', o.audience_type,
            'iab_code', o.iab_code, 'keywords', o.keywords, 'sensitivity', o.sensitivity, 'intensity', o.intensity,
            'buyer_journey', o.buyer_journey, 'segment_name_tradedesk', o.segment_name_tradedesk,
            'segment_name_liveramp', o.segment_name_liveramp, 'segment_name_internal', o.segment_name_internal,
            'segment_desc_liveramp', o.segment_desc_liveramp, 'segment_desc_tradedesk', o.segment_desc_tradedesk,
            'internal_description', o.internal_description, 'platform_outputs', o.platform_outputs,
            'engine_version', o.engine_version, 'confidence', o.confidence, 'performance_score', o.performance_score,
            'external_id', o.external_id, 'source', o.source, 'description', o.description,
            'created_at', \(SQLTimestamp.iso("o.created_at")),
            'updated_at', \(SQLTimestamp.iso("o.updated_at"))
        )::text
        """

    /// The classification columns a library copy takes from a classification's JSON (`c`, jsonb with the
    /// classifier's field names), in the order of `classificationColumns`.
    static let classificationColumns = """
        taxonomy_type, parent_category, subcategory, subcategory_l1, subcategory_l2, subcategory_l3, subcategory_l4,
        segment_type, audience_type, iab_code, keywords, sensitivity, intensity, buyer_journey, segment_name_tradedesk,
        segment_name_liveramp, segment_name_internal, segment_desc_liveramp, segment_desc_tradedesk, internal_description,
        platform_outputs, engine_version, confidence
        """

    static let classificationValues = """
        c->>'taxonomy_type', c->>'parent_category', c->>'subcategory', c->>'subcategory_l1', c->>'subcategory_l2',
        c->>'subcategory_l3', c->>'subcategory_l4', c->>'segment_type', c->>'audience_type', c->>'iab_code',
        ARRAY(SELECT jsonb_array_elements_text(COALESCE(c->'keywords', '[]'))), c->>'sensitivity', c->>'intensity',
        c->>'buyer_journey', c->>'segment_name_tradedesk', c->>'segment_name_liveramp', c->>'segment_name_internal',
        c->>'segment_desc_liveramp', c->>'segment_desc_tradedesk', c->>'internal_description',
        COALESCE(c->'platform_outputs', '{}'), c->>'engine_version', (c->>'confidence')::double precision
        """
}
