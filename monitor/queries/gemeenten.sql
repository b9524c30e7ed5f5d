-- The region's municipalities in reference order (their colour follows this order).
SELECT gemeentecode, gemeente, volgorde FROM ref_gemeenten ORDER BY volgorde
