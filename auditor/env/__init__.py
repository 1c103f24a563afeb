"""The environment-variable inventory behind `audit env`, and the `.env.example` it writes."""
