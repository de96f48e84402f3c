"""The bottom layer: what every app of ours may use, knowing none of them (import-linter's
contracts in pyproject.toml say so). The practice's row, checks of typed text, the client's
address, spreadsheet safety, the public-page mark and its cache, the last-known copies for an
outage, and the icon and JSON-LD template tags."""
