//! cty values and their wire encodings, as Terraform exchanges them with
//! providers (`DynamicValue`, raw state).
//!
//! - [`Type`]: cty types and their JSON form ([`Type::to_json`],
//!   [`Type::from_json`]).
//! - [`Number`]: arbitrary-precision numbers (plus ±infinity).
//! - [`Value`]: values, including unknowns with [`Refinements`] and
//!   dynamically-typed values.
//! - [`decode_msgpack`] / [`encode_msgpack`]: the msgpack encoding
//!   (go-cty `cty/msgpack`), what Terraform sends and expects.
//! - [`decode_json`] / [`encode_json`]: the JSON encoding (go-cty
//!   `cty/json`), used for raw state.
//!
//! Decoders never panic on any input: every read is bounds-checked,
//! allocation is bounded by the input length, and nesting deeper than
//! [`MAX_DEPTH`] is an error. Errors name the path of the offending value
//! (`.rule[2].port`).
//!
//! Decisions worth knowing:
//! - Sets are `Vec`s in wire order. Decoders drop elements equal to an
//!   earlier wholly known one (as cty does); encoders write the `Vec` as
//!   is. `Value` equality compares sets as multisets, so order never
//!   matters to `==`.
//! - ±infinity are numbers ([`Number::infinity`]): msgpack carries them as
//!   float64 like go-cty; JSON cannot, so [`encode_json`] refuses them. NaN
//!   is rejected everywhere.
//! - Refinements are kept as decoded (no cty-style collapsing), except that
//!   "definitely null" decodes as [`Value::Null`]. On `Dynamic` they are
//!   ignored on decode and dropped on encode, as go-cty does.
//! - At a `Dynamic` position a value must be null, unknown or
//!   [`Value::Dynamic`] (which carries the concrete type); accessors such
//!   as [`Value::as_str`] look through the wrapper.
//! - Strings are not NFC-normalized (Terraform sends normalized strings).
//!
//! This module tree refers to its own parts only through `super::`/`self::`
//! paths, so it can live anywhere in a crate.

mod depth;
mod error;
mod gojson;
mod json;
mod msgpack;
mod number;
mod refinements;
#[cfg(test)]
mod strategies;
mod types;
mod value;

pub use depth::MAX_DEPTH;
pub use error::{DecodeError, EncodeError, Path, PathStep};
pub use json::{decode_json, encode_json};
pub use msgpack::{decode_msgpack, encode_msgpack};
pub use number::{MAX_DECIMAL_EXPONENT, MAX_NUMBER_TEXT_LEN, Number, ParseNumberError};
pub use refinements::{MAX_STRING_PREFIX_LEN, Refinements};
pub use types::{Type, TypeJsonError};
pub use value::Value;
