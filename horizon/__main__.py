"""`python -m horizon`: the same as the `horizon` command."""

from horizon.cli import main

main()
