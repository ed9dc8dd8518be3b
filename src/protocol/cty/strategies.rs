//! proptest generators shared by the codec property tests: arbitrary types
//! (nested up to depth 4) and arbitrary values conforming to them.

use std::collections::BTreeMap;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;

use super::number::Number;
use super::refinements::Refinements;
use super::types::Type;
use super::value::{Value, dedup_set};

/// 512 cases unless PROPTEST_CASES says otherwise (for long soak runs).
pub fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(512);
    ProptestConfig::with_cases(cases)
}

/// What the generated values may contain.
#[derive(Debug, Clone, Copy)]
pub struct ValueOpts {
    /// Unknowns (with and without refinements) at any depth.
    pub unknowns: bool,
    /// ±infinity among numbers.
    pub infinities: bool,
}

impl ValueOpts {
    /// Everything msgpack can carry.
    pub const ALL: ValueOpts = ValueOpts {
        unknowns: true,
        infinities: true,
    };
    /// Everything JSON can carry: wholly known, finite.
    pub const KNOWN_FINITE: ValueOpts = ValueOpts {
        unknowns: false,
        infinities: false,
    };
}

fn attr_name() -> impl Strategy<Value = String> {
    // Mostly schema-like names, sometimes characters that need escaping.
    prop_oneof![4 => "[a-z_]{1,6}", 1 => "[a-z<>&\"\\\\é\u{2028} ]{0,4}"]
}

pub fn arb_type() -> BoxedStrategy<Type> {
    arb_type_depth(4)
}

fn arb_type_depth(depth: u32) -> BoxedStrategy<Type> {
    let leaf = prop_oneof![
        Just(Type::String),
        Just(Type::Number),
        Just(Type::Bool),
        Just(Type::Dynamic),
    ];
    leaf.prop_recursive(depth, 48, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            btree_map(attr_name(), inner.clone(), 0..4).prop_map(Type::Object),
            vec(inner, 0..4).prop_map(Type::Tuple),
        ]
    })
    .boxed()
}

pub fn arb_number(infinities: bool) -> BoxedStrategy<Number> {
    let finite = prop_oneof![
        any::<i64>().prop_map(Number::from_i64),
        any::<u64>().prop_map(Number::from_u64),
        (-1000i64..1000).prop_map(Number::from_i64),
        (proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL)
            .prop_filter_map("finite", Number::from_f64),
        "-?[0-9]{1,30}(\\.[0-9]{1,30})?(e-?[0-9]{1,2})?"
            .prop_filter_map("parses", |s| Number::parse(&s).ok()),
    ];
    if infinities {
        prop_oneof![
            10 => finite,
            1 => Just(Number::infinity()),
            1 => Just(Number::neg_infinity()),
        ]
        .boxed()
    } else {
        finite.boxed()
    }
}

/// Refinements that survive the wire unchanged for a value of type `ty`.
fn arb_refinements(ty: &Type, opts: ValueOpts) -> BoxedStrategy<Refinements> {
    let not_null = any::<bool>();
    match ty {
        Type::Dynamic => Just(Refinements::default()).boxed(),
        Type::String => (not_null, proptest::option::of(".{1,10}"))
            .prop_map(|(not_null, string_prefix)| Refinements {
                not_null,
                string_prefix,
                ..Refinements::default()
            })
            .boxed(),
        Type::Number => {
            let bound = || proptest::option::of((arb_number(opts.infinities), any::<bool>()));
            (not_null, bound(), bound())
                .prop_map(|(not_null, number_lower, number_upper)| Refinements {
                    not_null,
                    number_lower,
                    number_upper,
                    ..Refinements::default()
                })
                .boxed()
        }
        Type::List(_) | Type::Set(_) | Type::Map(_) => (
            not_null,
            proptest::option::of(1u64..1000),
            proptest::option::of(0u64..(i64::MAX as u64)),
        )
            .prop_map(|(not_null, length_lower, length_upper)| Refinements {
                not_null,
                length_lower,
                length_upper,
                ..Refinements::default()
            })
            .boxed(),
        _ => not_null
            .prop_map(|not_null| Refinements {
                not_null,
                ..Refinements::default()
            })
            .boxed(),
    }
}

/// A value conforming to `ty`. `dynamic_budget` bounds how many times a
/// `Dynamic` position may pick a fresh type (keeps values finite).
pub fn arb_value(ty: &Type, opts: ValueOpts, dynamic_budget: u32) -> BoxedStrategy<Value> {
    let known: BoxedStrategy<Value> = match ty {
        Type::String => ".{0,12}".prop_map(Value::String).boxed(),
        Type::Number => arb_number(opts.infinities).prop_map(Value::Number).boxed(),
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Dynamic => {
            if dynamic_budget == 0 {
                Just(Value::Null).boxed()
            } else {
                arb_type_depth(2)
                    .prop_flat_map(move |t| {
                        // The carried type is concrete at the top level.
                        let t = if t == Type::Dynamic { Type::String } else { t };
                        arb_value(&t, opts, dynamic_budget - 1)
                            .prop_map(move |v| Value::dynamic(t.clone(), v))
                    })
                    .boxed()
            }
        }
        Type::List(et) => vec(arb_value(et, opts, dynamic_budget), 0..4)
            .prop_map(Value::List)
            .boxed(),
        Type::Set(et) => vec(arb_value(et, opts, dynamic_budget), 0..4)
            .prop_map(|mut elems| {
                dedup_set(&mut elems);
                Value::Set(elems)
            })
            .boxed(),
        Type::Map(et) => btree_map(".{0,4}", arb_value(et, opts, dynamic_budget), 0..4)
            .prop_map(Value::Map)
            .boxed(),
        Type::Object(attrs) => {
            let parts: Vec<BoxedStrategy<(String, Value)>> = attrs
                .iter()
                .map(|(k, t)| {
                    let k = k.clone();
                    arb_value(t, opts, dynamic_budget)
                        .prop_map(move |v| (k.clone(), v))
                        .boxed()
                })
                .collect();
            parts
                .prop_map(|kvs| Value::Object(kvs.into_iter().collect::<BTreeMap<_, _>>()))
                .boxed()
        }
        Type::Tuple(ets) => {
            let parts: Vec<BoxedStrategy<Value>> = ets
                .iter()
                .map(|t| arb_value(t, opts, dynamic_budget))
                .collect();
            parts.prop_map(Value::Tuple).boxed()
        }
    };
    if opts.unknowns {
        prop_oneof![
            1 => Just(Value::Null),
            1 => arb_refinements(ty, opts).prop_map(Value::unknown_refined),
            6 => known,
        ]
        .boxed()
    } else {
        prop_oneof![1 => Just(Value::Null), 6 => known].boxed()
    }
}

/// A type together with a value of it.
pub fn arb_typed_value(opts: ValueOpts) -> impl Strategy<Value = (Type, Value)> {
    arb_type().prop_flat_map(move |ty| {
        let t = ty.clone();
        arb_value(&ty, opts, 2).prop_map(move |v| (t.clone(), v))
    })
}
