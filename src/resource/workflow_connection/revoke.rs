//! `revoke_secret_on_destroy` without revoking a secret that is still in use.
//!
//! A destroy deletes the OAuth secret only when no connection of the same run keeps or gets
//! it. Terraform plans every change of a run in one provider process (the plan walk), in no
//! particular order, and the apply walk destroys before it creates unless the resource is
//! `create_before_destroy`. So:
//!
//! - A replacement whose new object keeps the secret (same account, principal and secret ID)
//!   is decided in its own plan call: [`Decision::Keep`].
//! - Across connections the plan walk keeps a [`Ledger`] of the secrets planned objects keep
//!   and of those planned destroys would revoke. When both meet, whichever plan call comes
//!   second fails the plan: the outcome does not depend on the order of the calls, and
//!   nothing is revoked behind the user's back.
//! - The new object of a `create_before_destroy` replacement is created before the old one's
//!   destroy is planned (in the apply walk), so a destroy that finds its secret among the
//!   connections applied in the same walk keeps it.
//! - A planned object whose secret is not known yet may be the same secret: undecidable, so
//!   the plan fails and says how to proceed.
//!
//! The decision travels from the plan to the apply in the planned private data; the delete
//! follows it.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use crate::protocol::cty::Value;
use crate::protocol::diagnostics::Diagnostic;
use crate::validation::canonical_principal_id;

use super::attributes::Attr;
use super::model::{self, label_with_id as label};

/// What the destroy of a connection does with its OAuth secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Delete the secret (when `revoke_secret_on_destroy` is true).
    Revoke,
    /// Leave it: `reason` says which connection keeps it.
    Keep { reason: String },
}

/// The planned private data of a connection: only the revocation decision of its destroy.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Private {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    revoke_on_destroy: Option<Decision>,
}

/// Planned private data that carries `decision` to the apply.
pub fn encode(decision: &Decision) -> Vec<u8> {
    serde_json::to_vec(&Private {
        revoke_on_destroy: Some(decision.clone()),
    })
    .unwrap_or_default()
}

/// The decision in planned private data; `None` when there is none (or it is not ours).
pub fn decode(private: &[u8]) -> Option<Decision> {
    serde_json::from_slice::<Private>(private)
        .ok()?
        .revoke_on_destroy
}

/// An OAuth secret as Databricks names it. IDs are compared as Databricks compares them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct SecretKey {
    account_id: String,
    service_principal_id: String,
    secret_id: String,
}

/// What is known of the secret an object names: each part may still be unknown.
#[derive(Clone, Debug)]
struct Partial {
    account_id: Option<String>,
    service_principal_id: Option<String>,
    secret_id: Option<String>,
}

impl Partial {
    fn of(object: &Value) -> Self {
        let part = |attr| model::text(object, attr).map(str::to_ascii_lowercase);
        Self {
            account_id: part(Attr::AccountId),
            service_principal_id: model::text(object, Attr::ServicePrincipalId)
                .map(|id| canonical_principal_id(id).to_owned()),
            secret_id: part(Attr::SecretId),
        }
    }

    fn known(&self) -> Option<SecretKey> {
        Some(SecretKey {
            account_id: self.account_id.clone()?,
            service_principal_id: self.service_principal_id.clone()?,
            secret_id: self.secret_id.clone()?,
        })
    }

    /// Whether the object may turn out to name `key` once its unknown parts are known.
    fn may_be(&self, key: &SecretKey) -> bool {
        let matches =
            |part: &Option<String>, value: &str| part.as_deref().is_none_or(|p| p == value);
        matches(&self.account_id, &key.account_id)
            && matches(&self.service_principal_id, &key.service_principal_id)
            && matches(&self.secret_id, &key.secret_id)
    }
}

/// The secrets one walk's connections keep and would revoke. One per ConfigureProvider, i.e.
/// per graph walk.
#[derive(Debug, Default)]
pub struct Ledger {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Secrets of planned objects (create, update, no-op, the new half of a replacement).
    kept: HashMap<SecretKey, String>,
    /// Planned objects whose secret is not known yet, with their labels.
    unknown: Vec<(Partial, String)>,
    /// Secrets of connections created or updated in this walk.
    applied: HashMap<SecretKey, String>,
    /// Secrets planned destroys would revoke, with the destroyed connection's label.
    revoked: HashMap<SecretKey, String>,
}

impl Ledger {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A planned object (create, update or no-op) keeps or gets the secret `planned` names.
    /// An error when a destroy planned in this walk would revoke that secret, or may.
    pub fn keep(&self, planned: &Value) -> Result<(), Diagnostic> {
        let partial = Partial::of(planned);
        let keeper = label(planned);
        let mut inner = self.lock();
        match partial.known() {
            Some(key) => {
                if let Some(revoker) = inner.revoked.get(&key) {
                    return Err(in_use(revoker, &keeper, &key).at(Attr::SecretId.path()));
                }
                inner.kept.insert(key, keeper);
            }
            None => {
                if let Some((key, revoker)) = inner.revoked.iter().find(|(k, _)| partial.may_be(k))
                {
                    return Err(undecidable(revoker, &keeper, key).at(Attr::SecretId.path()));
                }
                inner.unknown.push((partial, keeper));
            }
        }
        Ok(())
    }

    /// The destroy of `prior`, whose `revoke_secret_on_destroy` is true: keeps the secret when
    /// a connection applied in this walk holds it (the new object of a create-before-destroy
    /// replacement), else revokes it unless a planned object keeps it (an error).
    pub fn destroy(&self, prior: &Value) -> Result<Decision, Diagnostic> {
        let Some(key) = Partial::of(prior).known() else {
            return Ok(Decision::Revoke);
        };
        let mut inner = self.lock();
        if let Some(holder) = inner.applied.get(&key) {
            return Ok(Decision::Keep {
                reason: format!("{holder}, created or updated in this run, uses it"),
            });
        }
        Self::claim(&mut inner, key, label(prior))
    }

    /// The replacement of `prior` (revoke on destroy) by `planned`, in the first plan call of
    /// the replacement: the new object keeps the secret when it names the same one.
    pub fn replace(&self, prior: &Value, planned: &Value) -> Result<Decision, Diagnostic> {
        let Some(key) = Partial::of(prior).known() else {
            return Ok(Decision::Revoke);
        };
        let next = Partial::of(planned);
        match next.known() {
            Some(next_key) if next_key == key => {
                return Ok(Decision::Keep {
                    reason: "the connection that replaces it uses the same secret".into(),
                });
            }
            None if next.may_be(&key) => {
                return Err(undecidable(
                    &label(prior),
                    "the connection that replaces it",
                    &key,
                ));
            }
            _ => {}
        }
        Self::claim(&mut self.lock(), key, label(prior))
    }

    /// A create or update applied in this walk: its secret is in use.
    pub fn applied(&self, state: &Value) {
        if let Some(key) = Partial::of(state).known() {
            self.lock().applied.insert(key, label(state));
        }
    }

    fn claim(inner: &mut Inner, key: SecretKey, revoker: String) -> Result<Decision, Diagnostic> {
        if let Some(keeper) = inner.kept.get(&key) {
            return Err(in_use(&revoker, keeper, &key));
        }
        if let Some((_, keeper)) = inner.unknown.iter().find(|(p, _)| p.may_be(&key)) {
            return Err(undecidable(&revoker, keeper, &key));
        }
        inner.revoked.insert(key, revoker);
        Ok(Decision::Revoke)
    }
}

const HOW_TO_PROCEED: &str = "To go on, set revoke_secret_on_destroy = false on the connection \
    that is destroyed and apply that first (if it is no longer in the configuration, add it \
    back for that apply, forget it with a `removed` block whose lifecycle has destroy = false \
    (Terraform 1.7 or later), or remove it from the state with `terraform state rm`). If \
    connections only moved between `count` indexes, keep each at its address instead: a `moved` \
    block, or `for_each` keyed by something stable.";

/// How to keep the secret of a connection whose resource block is already gone: setting the
/// flag needs the block back, a `removed` block does not.
pub const FORGET_WITHOUT_DESTROY: &str = "If the resource block is already gone from the \
    configuration, a `removed` block forgets the connection without destroying it, and the \
    secret stays (Terraform 1.7 or later): removed { from = databricks_workflow_connection.<name> \
    lifecycle { destroy = false } }.";

/// Two objects with the same name and ID: a connection that moved to another address (a
/// `count` index shift), or an earlier object of the same connection left by a
/// create-before-destroy replacement that did not finish ("deposed" in `terraform state
/// show`), whose recorded revoke_secret_on_destroy = true no configuration change reaches.
const SAME_CONNECTION: &str = "If the destroyed object is a leftover of a create_before_destroy \
    replacement that did not finish (`terraform state show` marks it deposed), no configuration \
    change reaches its recorded revoke_secret_on_destroy = true: remove the connection from the \
    state with `terraform state rm <address>` and import it again with its id (`terraform \
    import <address> <id>`); the secret stays.";

fn in_use(revoker: &str, keeper: &str, key: &SecretKey) -> Diagnostic {
    let (keeper, extra) = if revoker == keeper {
        ("another object with the same name and ID", SAME_CONNECTION)
    } else {
        (keeper, "")
    };
    Diagnostic::error(
        "A destroy would revoke a secret in use",
        format!(
            "This plan destroys {revoker} with revoke_secret_on_destroy = true, which would \
             delete OAuth secret {} of service principal {}, but {keeper} in this plan uses that \
             secret. Nothing was changed. {HOW_TO_PROCEED} {extra}",
            key.secret_id, key.service_principal_id
        )
        .trim_end()
        .to_string(),
    )
}

fn undecidable(revoker: &str, keeper: &str, key: &SecretKey) -> Diagnostic {
    Diagnostic::error(
        "Cannot tell whether a destroy would revoke a secret in use",
        format!(
            "This plan destroys {revoker} with revoke_secret_on_destroy = true, which would \
             delete OAuth secret {} of service principal {}, and the secret of {keeper} is not \
             known until apply, so it may be the same one. Nothing was changed. {HOW_TO_PROCEED} \
             Or apply first what decides the other secret (`-target` on the resource that \
             produces its secret ID, never on the connection that is destroyed: a plan limited \
             by `-target` does not see the connections it leaves out).",
            key.secret_id, key.service_principal_id
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connection(name: &str, secret: Option<&str>) -> Value {
        let mut v = model::null_object([
            Attr::Name,
            Attr::Id,
            Attr::AccountId,
            Attr::ServicePrincipalId,
            Attr::SecretId,
        ]);
        model::set(&mut v, Attr::Name, model::string(name));
        model::set(&mut v, Attr::AccountId, model::string("ACC"));
        model::set(&mut v, Attr::ServicePrincipalId, model::string("1"));
        model::set(
            &mut v,
            Attr::SecretId,
            secret.map_or_else(Value::unknown, model::string),
        );
        v
    }

    #[test]
    fn decisions_round_trip_through_private_data_and_foreign_data_is_none() {
        for d in [
            Decision::Revoke,
            Decision::Keep {
                reason: "kept".into(),
            },
        ] {
            assert_eq!(decode(&encode(&d)), Some(d));
        }
        assert_eq!(decode(b""), None);
        assert_eq!(decode(b"{}"), None);
        assert_eq!(decode(b"\x00garbage"), None);
    }

    #[test]
    fn a_keeper_and_a_revoker_of_one_secret_fail_whichever_is_planned_second() {
        let ledger = Ledger::default();
        ledger.keep(&connection("b", Some("s1"))).unwrap();
        let err = ledger.destroy(&connection("old", Some("S1"))).unwrap_err();
        assert_eq!(err.summary, "A destroy would revoke a secret in use");
        assert!(err.detail.contains("connection \"old\""), "{}", err.detail);
        assert!(err.detail.contains("connection \"b\""), "{}", err.detail);

        let ledger = Ledger::default();
        assert_eq!(
            ledger.destroy(&connection("old", Some("s1"))),
            Ok(Decision::Revoke)
        );
        assert!(ledger.keep(&connection("b", Some("s1"))).is_err());
        ledger.keep(&connection("c", Some("s2"))).unwrap();
    }

    #[test]
    fn a_replacement_keeping_its_secret_keeps_it_and_claims_nothing() {
        let ledger = Ledger::default();
        let decision = ledger
            .replace(&connection("a", Some("s1")), &connection("a", Some("S1")))
            .unwrap();
        assert!(matches!(decision, Decision::Keep { .. }));
        ledger.keep(&connection("a", Some("s1"))).unwrap();
    }

    #[test]
    fn an_unknown_secret_on_the_same_principal_cannot_be_decided() {
        let ledger = Ledger::default();
        let err = ledger
            .replace(&connection("a", Some("s1")), &connection("a", None))
            .unwrap_err();
        assert!(err.summary.starts_with("Cannot tell"), "{}", err.summary);

        let ledger = Ledger::default();
        ledger.keep(&connection("new", None)).unwrap();
        assert!(ledger.destroy(&connection("old", Some("s1"))).is_err());

        // Another principal cannot hold the secret.
        let ledger = Ledger::default();
        let mut elsewhere = connection("new", None);
        model::set(&mut elsewhere, Attr::ServicePrincipalId, model::string("2"));
        ledger.keep(&elsewhere).unwrap();
        assert_eq!(
            ledger.destroy(&connection("old", Some("s1"))),
            Ok(Decision::Revoke)
        );
    }

    #[test]
    fn a_destroy_after_an_apply_that_holds_the_secret_keeps_it() {
        let ledger = Ledger::default();
        ledger.applied(&connection("new", Some("s1")));
        assert!(matches!(
            ledger.destroy(&connection("old", Some("s1"))),
            Ok(Decision::Keep { .. })
        ));
    }

    #[test]
    fn two_destroys_of_one_secret_both_revoke() {
        let ledger = Ledger::default();
        for name in ["a", "b"] {
            assert_eq!(
                ledger.destroy(&connection(name, Some("s1"))),
                Ok(Decision::Revoke)
            );
        }
    }
}
