-- Every indicator in kerncijfers (without its per 10,000 twin) with where it exists, from
-- kerncijfers_structuur: the distinct combinations of kerncijfers (a table in the warehouse,
-- made without filling the zeros; a view over kerncijfers for a snapshot, monitor/data.py).
SELECT
    indicator,
    string_agg(DISTINCT voorziening, ', ' ORDER BY voorziening) AS voorzieningen,
    string_agg(DISTINCT perspectief, ', ' ORDER BY perspectief) AS perspectieven,
    coalesce(string_agg(DISTINCT uitsplitsing, ', ' ORDER BY uitsplitsing), '') AS uitsplitsingen,
    string_agg(DISTINCT periode_type, ', ' ORDER BY periode_type) AS perioden,
    string_agg(DISTINCT bron, ', ' ORDER BY bron) AS bronnen,
    bool_or(demo) AS demo,
    bool_or(indicator || '_per_10000' IN (SELECT DISTINCT indicator FROM kerncijfers_structuur))
        AS per_10000
FROM kerncijfers_structuur
WHERE NOT ends_with(indicator, '_per_10000')
GROUP BY indicator
ORDER BY indicator
