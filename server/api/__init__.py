"""HTTP API blueprints (contract section 3). Views parse, call and serialise; nothing more."""
