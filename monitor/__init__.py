"""The dashboard's modules: data access (`data`), Dutch formatting (`fmt`), labels, page frame."""
