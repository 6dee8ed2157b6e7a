"""The migrate function: the schema migrations, run as the schema owner on every deploy."""
