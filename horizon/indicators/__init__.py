"""The AI R&D automation indicators: the ladder of AI R&D benchmarks and the signs of automation
inside the labs, as dated, sourced series with frontiers, trends and statuses in words.

``series`` and ``fit`` are the pure core (observations in, frozen assessments out); ``rct``
estimates METR's developer-RCT effect from its per-issue data; ``config`` reads
data/ladder.toml and data/indicators/series.toml; ``store`` reads the store and writes the
evaluations (fit runs of kind 'indicators'); ``cite`` words a stored value as a citation.
Nothing here imports plotting code.
"""
