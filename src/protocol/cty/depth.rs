//! How deep values and type descriptions may nest.

/// The deepest nesting of containers (and dynamic wrappers) the codecs
/// accept, and of type descriptions. Far beyond any real schema; it keeps
/// recursion, and so stack use, bounded on hostile input.
pub const MAX_DEPTH: usize = 64;
