SELECT sleutel, waarde FROM meta
