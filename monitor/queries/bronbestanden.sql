SELECT bestand, soort, bron, peildatum, sha256, rijen, demo, geladen_op
FROM bronbestanden
ORDER BY soort, bestand
