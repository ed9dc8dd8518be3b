//! The accounts, their service principals and the principals' secrets, with every lookup
//! and change the API and the admin methods make. Ids are matched as the real API does:
//! account and application ids case-insensitively (UUIDs), the others exactly.

use std::collections::{BTreeMap, HashSet};

use rand::rngs::StdRng;
use time::OffsetDateTime;

use super::error::AdminError;
use super::inputs::{NewSecret, NewServicePrincipal, ServicePrincipalUpdate};
use crate::ids;
use crate::seed::{Secret, ServicePrincipal};
use crate::timefmt;

/// Account ids are UUIDs; compare them case-insensitively.
pub(crate) fn account_key(account_id: &str) -> String {
    account_id.to_ascii_lowercase()
}

pub(crate) struct AccountState {
    pub account_id: String,
    pub service_principals: BTreeMap<String, ServicePrincipal>,
}

pub(crate) struct Directory {
    /// By [`account_key`].
    accounts: BTreeMap<String, AccountState>,
    /// Generates the ids and secret values nobody gave.
    rng: StdRng,
}

impl Directory {
    pub fn new() -> Self {
        Directory {
            accounts: BTreeMap::new(),
            rng: rand::make_rng(),
        }
    }

    /// The accounts, ordered by id.
    pub fn accounts(&self) -> impl Iterator<Item = &AccountState> {
        self.accounts.values()
    }

    // ---- lookups -------------------------------------------------------------------------

    pub fn account(&self, account_id: &str) -> Option<&AccountState> {
        self.accounts.get(&account_key(account_id))
    }

    fn account_mut(&mut self, account_id: &str) -> Result<&mut AccountState, AdminError> {
        self.accounts
            .get_mut(&account_key(account_id))
            .ok_or_else(|| AdminError::NotFound(format!("account {account_id} does not exist")))
    }

    pub fn service_principal(
        &self,
        account_id: &str,
        sp_id: &str,
    ) -> Result<&ServicePrincipal, AdminError> {
        self.account(account_id)
            .ok_or_else(|| AdminError::NotFound(format!("account {account_id} does not exist")))?
            .service_principals
            .get(sp_id)
            .ok_or_else(|| sp_not_found(account_id, sp_id))
    }

    fn service_principal_mut(
        &mut self,
        account_id: &str,
        sp_id: &str,
    ) -> Result<&mut ServicePrincipal, AdminError> {
        self.account_mut(account_id)?
            .service_principals
            .get_mut(sp_id)
            .ok_or_else(|| sp_not_found(account_id, sp_id))
    }

    fn secret_mut(
        &mut self,
        account_id: &str,
        sp_id: &str,
        secret_id: &str,
    ) -> Result<&mut Secret, AdminError> {
        self.service_principal_mut(account_id, sp_id)?
            .secrets
            .iter_mut()
            .find(|s| s.id == secret_id)
            .ok_or_else(|| {
                AdminError::NotFound(format!(
                    "secret {secret_id} of service principal {sp_id} does not exist"
                ))
            })
    }

    // ---- accounts and principals ------------------------------------------------------------

    /// Adds an empty account; a random UUID when `account_id` is `None`.
    pub fn add_account(&mut self, account_id: Option<String>) -> Result<String, AdminError> {
        let account_id = account_id.unwrap_or_else(|| ids::uuid(&mut self.rng));
        if account_id.trim().is_empty() {
            return Err(AdminError::Invalid("account_id must not be empty".into()));
        }
        let key = account_key(&account_id);
        if self.accounts.contains_key(&key) {
            return Err(AdminError::Conflict(format!(
                "account {account_id} already exists"
            )));
        }
        self.accounts.insert(
            key,
            AccountState {
                account_id: account_id.clone(),
                service_principals: BTreeMap::new(),
            },
        );
        Ok(account_id)
    }

    pub fn insert_service_principal(
        &mut self,
        account_id: &str,
        sp: ServicePrincipal,
    ) -> Result<ServicePrincipal, AdminError> {
        if sp.id.is_empty() || sp.application_id.is_empty() {
            return Err(AdminError::Invalid(
                "service principal id and application_id must not be empty".into(),
            ));
        }
        let account = self.account_mut(account_id)?;
        if account.service_principals.contains_key(&sp.id) {
            return Err(AdminError::Conflict(format!(
                "service principal {} already exists in account {account_id}",
                sp.id
            )));
        }
        if let Some(other) = account
            .service_principals
            .values()
            .find(|o| o.application_id.eq_ignore_ascii_case(&sp.application_id))
        {
            return Err(AdminError::Conflict(format!(
                "application id {} is already used by service principal {}",
                sp.application_id, other.id
            )));
        }
        let mut seen = HashSet::new();
        for s in &sp.secrets {
            if s.id.is_empty() || !seen.insert(s.id.as_str()) {
                return Err(AdminError::Invalid(format!(
                    "service principal {}: secret ids must be non-empty and unique ({:?})",
                    sp.id, s.id
                )));
            }
        }
        account.service_principals.insert(sp.id.clone(), sp.clone());
        Ok(sp)
    }

    pub fn add_service_principal(
        &mut self,
        account_id: &str,
        new: NewServicePrincipal,
    ) -> Result<ServicePrincipal, AdminError> {
        // Fail before generating anything for an unknown account.
        self.account_mut(account_id)?;
        let id = new
            .id
            .unwrap_or_else(|| ids::service_principal_id(&mut self.rng));
        let application_id = new
            .application_id
            .unwrap_or_else(|| ids::uuid(&mut self.rng));
        let mut sp = ServicePrincipal {
            display_name: new.display_name.unwrap_or_else(|| format!("sp-{id}")),
            id,
            application_id,
            active: new.active.unwrap_or(true),
            external_id: new.external_id,
            roles: Vec::new(),
            secrets: Vec::new(),
        };
        for role in new.roles {
            sp = sp.with_role(role);
        }
        let now = timefmt::now();
        for s in new.secrets {
            sp.secrets.push(s.into_secret(now, &mut self.rng));
        }
        self.insert_service_principal(account_id, sp)
    }

    pub fn update_service_principal(
        &mut self,
        account_id: &str,
        sp_id: &str,
        update: ServicePrincipalUpdate,
    ) -> Result<ServicePrincipal, AdminError> {
        if let Some(app) = &update.application_id {
            let taken = self
                .account(account_id)
                .into_iter()
                .flat_map(|a| a.service_principals.values())
                .any(|o| o.id != sp_id && o.application_id.eq_ignore_ascii_case(app));
            if taken || app.is_empty() {
                return Err(AdminError::Conflict(format!(
                    "application id {app:?} is empty or already used"
                )));
            }
        }
        let sp = self.service_principal_mut(account_id, sp_id)?;
        if let Some(v) = update.display_name {
            sp.display_name = v;
        }
        if let Some(v) = update.application_id {
            sp.application_id = v;
        }
        if let Some(v) = update.external_id {
            sp.external_id = Some(v);
        }
        Ok(sp.clone())
    }

    /// Replaces a principal (same id) with `sp`, e.g. after a SCIM PUT or PATCH was applied to a
    /// copy; the application id must stay unique in the account.
    pub fn store_service_principal(
        &mut self,
        account_id: &str,
        sp: ServicePrincipal,
    ) -> Result<(), AdminError> {
        let account = self.account_mut(account_id)?;
        if let Some(other) = account
            .service_principals
            .values()
            .find(|o| o.id != sp.id && o.application_id.eq_ignore_ascii_case(&sp.application_id))
        {
            return Err(AdminError::Conflict(format!(
                "application id {} is already used by service principal {}",
                sp.application_id, other.id
            )));
        }
        let slot = account
            .service_principals
            .get_mut(&sp.id)
            .ok_or_else(|| sp_not_found(account_id, &sp.id))?;
        *slot = sp;
        Ok(())
    }

    pub fn delete_service_principal(
        &mut self,
        account_id: &str,
        sp_id: &str,
    ) -> Result<ServicePrincipal, AdminError> {
        self.account_mut(account_id)?
            .service_principals
            .remove(sp_id)
            .ok_or_else(|| sp_not_found(account_id, sp_id))
    }

    pub fn set_service_principal_active(
        &mut self,
        account_id: &str,
        sp_id: &str,
        active: bool,
    ) -> Result<(), AdminError> {
        self.service_principal_mut(account_id, sp_id)?.active = active;
        Ok(())
    }

    pub fn add_role(
        &mut self,
        account_id: &str,
        sp_id: &str,
        role: &str,
    ) -> Result<(), AdminError> {
        if role.is_empty() {
            return Err(AdminError::Invalid("role must not be empty".into()));
        }
        let sp = self.service_principal_mut(account_id, sp_id)?;
        if !sp.has_role(role) {
            sp.roles.push(role.to_owned());
        }
        Ok(())
    }

    /// Removing a role the principal does not hold is not an error.
    pub fn remove_role(
        &mut self,
        account_id: &str,
        sp_id: &str,
        role: &str,
    ) -> Result<(), AdminError> {
        self.service_principal_mut(account_id, sp_id)?
            .roles
            .retain(|r| r != role);
        Ok(())
    }

    // ---- secrets -------------------------------------------------------------------------------

    /// Adds a secret without the API's limits (admin API).
    pub fn add_secret(
        &mut self,
        account_id: &str,
        sp_id: &str,
        new: NewSecret,
    ) -> Result<Secret, AdminError> {
        self.service_principal(account_id, sp_id)?;
        let secret = new.into_secret(timefmt::now(), &mut self.rng);
        let sp = self.service_principal_mut(account_id, sp_id)?;
        if secret.id.is_empty() || sp.secrets.iter().any(|s| s.id == secret.id) {
            return Err(AdminError::Conflict(format!(
                "secret id {:?} is empty or already used",
                secret.id
            )));
        }
        sp.secrets.push(secret.clone());
        Ok(secret)
    }

    pub fn delete_secret(
        &mut self,
        account_id: &str,
        sp_id: &str,
        secret_id: &str,
    ) -> Result<Secret, AdminError> {
        let sp = self.service_principal_mut(account_id, sp_id)?;
        let pos = sp
            .secrets
            .iter()
            .position(|s| s.id == secret_id)
            .ok_or_else(|| {
                AdminError::NotFound(format!(
                    "secret {secret_id} of service principal {sp_id} does not exist"
                ))
            })?;
        Ok(sp.secrets.remove(pos))
    }

    /// Sets (or with `None` removes) the expiry of a secret.
    pub fn set_secret_expire_time(
        &mut self,
        account_id: &str,
        sp_id: &str,
        secret_id: &str,
        expire_time: Option<OffsetDateTime>,
    ) -> Result<Secret, AdminError> {
        let s = self.secret_mut(account_id, sp_id, secret_id)?;
        s.expire_time = expire_time.map(timefmt::truncate_ms);
        s.update_time = Some(timefmt::now());
        Ok(s.clone())
    }

    pub fn set_secret_status(
        &mut self,
        account_id: &str,
        sp_id: &str,
        secret_id: &str,
        status: &str,
    ) -> Result<Secret, AdminError> {
        if status.is_empty() {
            return Err(AdminError::Invalid("status must not be empty".into()));
        }
        let s = self.secret_mut(account_id, sp_id, secret_id)?;
        s.status = status.to_owned();
        s.update_time = Some(timefmt::now());
        Ok(s.clone())
    }
}

fn sp_not_found(account_id: &str, sp_id: &str) -> AdminError {
    AdminError::NotFound(format!(
        "service principal {sp_id} does not exist in account {account_id}"
    ))
}
