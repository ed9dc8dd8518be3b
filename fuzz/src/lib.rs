//! Helpers shared by the fuzz targets: a reader over the fuzzer's bytes, the cty types the
//! value targets decode against, and what the time paths must make of any time ([`times`]).

use std::sync::OnceLock;

use terraform_provider_databricks::protocol::cty::Type;
use terraform_provider_databricks::provider::schema::provider_schema;
use terraform_provider_databricks::resource::workflow_connection;

pub mod times;

/// Reads control bytes off the front of the fuzzer's input; what is left is the payload.
pub struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    /// The next byte, or 0 when the input is used up.
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    /// The next `n` bytes (fewer when the input is shorter).
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.data.split_at(n.min(self.data.len()));
        self.data = rest;
        head
    }

    /// A length-prefixed slice: one byte of length, then that many bytes.
    pub fn chunk(&mut self) -> &'a [u8] {
        let n = usize::from(self.byte());
        self.take(n)
    }

    /// A slice with a two-byte (little-endian) length prefix.
    pub fn chunk16(&mut self) -> &'a [u8] {
        let n = usize::from(u16::from_le_bytes([self.byte(), self.byte()]));
        self.take(n)
    }

    /// The next `N` bytes, zero-padded when the input is shorter.
    pub fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        let head = self.take(N);
        out[..head.len()].copy_from_slice(head);
        out
    }

    /// Everything not read yet.
    pub fn rest(self) -> &'a [u8] {
        self.data
    }
}

/// The type of the resource `databricks_workflow_connection` as Terraform sends it.
pub fn resource_type() -> Type {
    workflow_connection::schema().implied_type()
}

/// The resource's type and attribute names, computed once per process.
pub struct Resource {
    pub ty: Type,
    pub names: Vec<String>,
}

pub fn resource() -> &'static Resource {
    static RESOURCE: OnceLock<Resource> = OnceLock::new();
    RESOURCE.get_or_init(|| {
        let ty = resource_type();
        let names = match &ty {
            Type::Object(attrs) => attrs.keys().cloned().collect(),
            _ => Vec::new(),
        };
        Resource { ty, names }
    })
}

/// The type of the `provider "databricks"` block.
pub fn provider_type() -> Type {
    provider_schema().implied_type()
}

/// Types the value targets decode against, picked by the selector byte.
fn fixed_types() -> Vec<Type> {
    vec![
        resource_type(),
        provider_type(),
        Type::String,
        Type::Number,
        Type::Bool,
        Type::Dynamic,
        Type::list(Type::String),
        Type::set(Type::Number),
        Type::map(Type::Bool),
        Type::list(Type::Dynamic),
        Type::set(Type::Dynamic),
        Type::map(Type::Dynamic),
        Type::set(Type::object([
            ("name", Type::String),
            ("ports", Type::set(Type::Number)),
        ])),
        Type::map(Type::list(Type::Number)),
        Type::list(Type::set(Type::map(Type::String))),
        Type::object([
            ("s", Type::String),
            ("n", Type::Number),
            ("b", Type::Bool),
            ("d", Type::Dynamic),
            ("l", Type::list(Type::String)),
            ("t", Type::tuple([Type::String, Type::Number, Type::Bool])),
            ("m", Type::map(Type::set(Type::String))),
            ("o", Type::object([("inner", Type::Dynamic)])),
        ]),
        Type::tuple([Type::String, Type::Dynamic, Type::list(Type::Number)]),
        Type::tuple(Vec::<Type>::new()),
        Type::object(Vec::<(String, Type)>::new()),
        Type::set(Type::list(Type::object([
            ("id", Type::String),
            ("tags", Type::map(Type::String)),
        ]))),
        nested_lists(20, Type::map(Type::String)),
    ]
}

fn nested_lists(depth: usize, inner: Type) -> Type {
    (0..depth).fold(inner, |t, _| Type::list(t))
}

/// Selector byte values at or above this read the type's JSON description from the input
/// (`Type::from_json`, itself a decoder of bytes from Terraform).
const TYPE_FROM_JSON: u8 = 0xf0;

/// A type chosen by the input's first byte: below 0x80 one of [`fixed_types`], below 0xf0 a
/// small type built from the next bytes, else a type given as JSON. `None` when the input's type JSON does not parse.
pub fn pick_type(input: &mut Input<'_>) -> Option<Type> {
    static FIXED: OnceLock<Vec<Type>> = OnceLock::new();
    let fixed = FIXED.get_or_init(fixed_types);
    let selector = input.byte();
    if selector >= TYPE_FROM_JSON {
        let len = usize::from(input.byte()) << 2 | usize::from(selector & 0x03);
        return Type::from_json(input.take(len)).ok();
    }
    if selector < 0x80 {
        return fixed.get(usize::from(selector) % fixed.len()).cloned();
    }
    Some(built_type(input, 0))
}

/// The selector byte that picks the resource type (for seeds).
pub const SELECT_RESOURCE: u8 = 0;
/// The selector byte that picks the provider type (for seeds).
pub const SELECT_PROVIDER: u8 = 1;

/// A type built from the input, at most 5 levels deep and 4 members wide.
fn built_type(input: &mut Input<'_>, depth: u32) -> Type {
    let b = input.byte();
    let kind = if depth >= 5 { b % 4 } else { b % 9 };
    match kind {
        0 => Type::String,
        1 => Type::Number,
        2 => Type::Bool,
        3 => Type::Dynamic,
        4 => Type::list(built_type(input, depth + 1)),
        5 => Type::set(built_type(input, depth + 1)),
        6 => Type::map(built_type(input, depth + 1)),
        7 => {
            let n = (b >> 4) % 5;
            let names = ["a", "b", "id", "name", "x_y"];
            Type::object(
                names
                    .iter()
                    .take(usize::from(n))
                    .map(|k| (*k, built_type(input, depth + 1)))
                    .collect::<Vec<_>>(),
            )
        }
        _ => {
            let n = (b >> 4) % 5;
            Type::tuple(
                (0..n)
                    .map(|_| built_type(input, depth + 1))
                    .collect::<Vec<_>>(),
            )
        }
    }
}
