-- Every indicator in kerncijfers (without its per 10,000 twin) with where it exists.
SELECT
    indicator,
    string_agg(DISTINCT voorziening, ', ' ORDER BY voorziening) AS voorzieningen,
    string_agg(DISTINCT perspectief, ', ' ORDER BY perspectief) AS perspectieven,
    coalesce(string_agg(DISTINCT split_part(dimensie, '=', 1), ', '
                        ORDER BY split_part(dimensie, '=', 1)), '') AS uitsplitsingen,
    string_agg(DISTINCT periode_type, ', ' ORDER BY periode_type) AS perioden,
    string_agg(DISTINCT bron, ', ' ORDER BY bron) AS bronnen,
    bool_or(demo) AS demo,
    bool_or(indicator || '_per_10000' IN (SELECT DISTINCT indicator FROM kerncijfers))
        AS per_10000
FROM kerncijfers
WHERE NOT ends_with(indicator, '_per_10000')
GROUP BY indicator
ORDER BY indicator
