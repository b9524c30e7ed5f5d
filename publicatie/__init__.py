"""The publication layer: what leaves the monitor.

It sits above the dashboard's data layer (`monitor`) and below the dashboard's pages: the
quarterly snapshot (`snapshot`), disclosure control (`suppressie`, with the Tau-Argus engine
from `pytauargus`) and its attacking audit (`audit`), and the exports made from the protected
figures (`export_xlsx`, `export_grafieken`, `export_pdf`, `export_pptx`). The ETL imports
nothing of it; `python -m etl snapshot` only dispatches here.
"""
