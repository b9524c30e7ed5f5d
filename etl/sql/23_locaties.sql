-- The public view of locations (issue 12): per location and period, its places. Stable
-- columns; policy advisors read it like kerncijfers.
CREATE OR REPLACE VIEW locaties AS
SELECT l.voorziening, l.periode, l.periode_type, l.aanbieder, l.locatie, l.product, l.cluster,
       l.plekken, l.gemeentecode, n.gemeente, l.bestand AS bron, l.demo
FROM mart_capaciteit_locaties AS l
LEFT JOIN ref_gemeentenamen AS n USING (gemeentecode);
