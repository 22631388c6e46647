"""The static report site: pages, charts (Vega-Lite via Altair) and their SVG/PNG exports.

Reads the store and the fit and trend results; nothing outside this package imports it.
Entry point: ``horizon.report.site.build_site``.
"""
