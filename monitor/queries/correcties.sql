SELECT bron, voorziening, indicator, periode, gemeentecode, perspectief, dimensie, vorige_waarde,
       nieuwe_waarde, vorig_bestand, bestand, rij
FROM correcties
ORDER BY bestand, rij
