"""Per-model time horizons fitted from run-level results (METR's method).

``weights`` computes METR's per-run weights, ``logistic`` the batched penalised logistic fit,
``bootstrap`` the hierarchical bootstrap, and ``runs`` ties them to frames and the store.
Nothing here imports plotting code: reports depend on fits, never the reverse.
"""
