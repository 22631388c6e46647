"""One module per report page; each turns the store into a ``Page`` (body HTML and its charts)."""
