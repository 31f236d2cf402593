// Placeholder; the engine lands in this target.
