//! What a release ships, for every platform this machine builds: `scripts/release.sh`'s
//! packages, the release workflow, the static Linux builds (in an empty root and under qemu)
//! and installation from mirrors. These need the cross builds that `scripts/test.sh` makes
//! first, `terraform`, the tools `.ci/install-tools` installs, and root for `chroot`. Not part
//! of the quick test path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/mod.rs"]
mod support;

mod mirror;
mod package;
mod static_linux;
mod workflow;
