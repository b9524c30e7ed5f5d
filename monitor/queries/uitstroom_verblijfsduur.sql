-- How long the trajecten that left in the selected quarters stayed, in classes: the warehouse
-- holds only the median. Only counts per class leave the warehouse. `$alle` counts the whole
-- region (herkomst BUITEN and ONBEKEND included, as the TOTAAL rows of kerncijfers do);
-- otherwise the selected municipalities in the chosen perspective.
WITH klassen AS (
    SELECT * FROM (VALUES
        (1, '< 3 maanden', INTERVAL 0 MONTH, INTERVAL 3 MONTH),
        (2, '3-6 maanden', INTERVAL 3 MONTH, INTERVAL 6 MONTH),
        (3, '6-12 maanden', INTERVAL 6 MONTH, INTERVAL 12 MONTH),
        (4, '1-2 jaar', INTERVAL 12 MONTH, INTERVAL 24 MONTH),
        (5, '2-3 jaar', INTERVAL 24 MONTH, INTERVAL 36 MONTH),
        (6, '> 3 jaar', INTERVAL 36 MONTH, NULL)
    ) AS k(volgorde, klasse, vanaf, tot)
),
levering AS (
    SELECT max(peildatum) AS peildatum FROM stg_trajecten WHERE voorziening = $voorziening
),
periode AS (
    SELECT min(p.start) AS start, max(p.eind) AS eind
    FROM periodes_trajecten AS p
    CROSS JOIN levering AS l
    WHERE p.periode_type = 'kwartaal'
      AND p.eind <= l.peildatum
      AND p.periode BETWEEN $van AND $tot
),
uitgestroomd AS (
    SELECT t.datum_instroom, t.datum_uitstroom
    FROM stg_trajecten AS t
    CROSS JOIN periode AS p
    WHERE t.voorziening = $voorziening
      AND ($product IS NULL OR t.product = $product)
      AND t.datum_uitstroom BETWEEN p.start AND p.eind
      AND (
          $alle
          OR ($perspectief = 'herkomst' AND list_contains($gemeenten, t.herkomstgemeente))
          OR ($perspectief = 'verblijf' AND list_contains($gemeenten, t.verblijfsgemeente))
      )
),
ingedeeld AS (
    -- by calendar months, so "3 maanden" means the same date three months later
    SELECT k.volgorde, count(u.datum_uitstroom) AS aantal
    FROM klassen AS k
    LEFT JOIN uitgestroomd AS u
        ON u.datum_uitstroom >= u.datum_instroom + k.vanaf
        AND (k.tot IS NULL OR u.datum_uitstroom < u.datum_instroom + k.tot)
    GROUP BY k.volgorde
),
final AS (
    SELECT k.volgorde, k.klasse, coalesce(i.aantal, 0) AS aantal
    FROM klassen AS k
    LEFT JOIN ingedeeld AS i USING (volgorde)
)
SELECT * FROM final
ORDER BY volgorde
