"""Scenario models of the four dynamics of AI R&D automation (issue 12): what the fitted 80%
time-horizon trend implies under Amdahl's law, an explosive multiplier, a plateau and an
expanding pie, with bands from the trend's draws (its bootstrap replicates or the OLS sampling
distribution), and how inside-the-lab indicators sit against them. Scenarios, not predictions.

Pure modules: ``params`` (parameter specs and draws), ``bridge`` (horizon -> automatable share,
Amdahl), ``dynamics`` (the four scenarios as classes with one interface), ``solve`` (the
feedback law, integrated), ``run`` (draws, bands, crossing dates) and ``evidence`` (indicator
readings against the bands). Thin I/O beside them: ``files`` (parameter and indicator files),
``store`` (the trend it starts from; results, migration 0010), ``api`` (what the CLI, `horizon
update` and the report call) and ``cite``. Nothing here imports plotting code.
"""
