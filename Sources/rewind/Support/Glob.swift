import Replay

/// Shell-style globs over stream names: the same matcher rewind.toml's `streams` uses.
typealias Glob = StreamGlob
