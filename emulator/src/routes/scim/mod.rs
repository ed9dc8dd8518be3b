//! Account SCIM service principals: reads in `read`, create/replace/delete in `write`, PATCH in
//! `patch`; the resource representation in `resource`, the error answer in `fault`, and the
//! reading of request values in `values`.

mod fault;
mod patch;
mod read;
mod resource;
mod values;
mod write;

pub(crate) use patch::patch;
pub(crate) use read::{get, list};
pub(crate) use write::{create, delete, replace};
