-- GeoJSON features of the region's municipalities (for maps).
SELECT gemeentecode, feature FROM ref_gemeentegrenzen ORDER BY gemeentecode
