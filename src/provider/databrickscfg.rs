//! Parsing the Databricks config file (`~/.databrickscfg`): the INI file of profiles that the
//! Databricks CLI and SDKs share, read the way the Go SDK reads it (and with it the official Databricks
//! provider, so both providers see the same profiles):
//!
//! - one section per profile; keys before the first section header belong to `DEFAULT`;
//! - a named section is read alone: `DEFAULT` fills in none of its missing keys;
//! - names and keys are case-sensitive; a blank value is no value; a section without keys is
//!   no profile;
//! - `#` or `;` starts a comment at the start of a line or after whitespace, so a secret may
//!   contain either; quotes around a value are removed; backslashes are kept; a repeated
//!   section or key is merged, the last value winning.
//!
//! Only the keys this provider uses are kept. `client_secret` is held as a [`SecretString`];
//! the values of every other key (a `token`, a `password`) are dropped at once, so nothing
//! read here can reach a log line or a diagnostic by accident.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::path::Path;

use databricks_account_client::{HostKind, SecretString, classify_host};

use crate::validation::{is_uuid, parse_account_host, shown_value};

/// The section used when no profile is asked for.
pub const DEFAULT_PROFILE: &str = "DEFAULT";

/// The default file, relative to the home directory.
pub const DEFAULT_FILE: &str = ".databrickscfg";

/// The keys of a profile this provider reads.
pub mod key {
    pub const HOST: &str = "host";
    pub const ACCOUNT_ID: &str = "account_id";
    pub const CLIENT_ID: &str = "client_id";
    pub const CLIENT_SECRET: &str = "client_secret";
    /// The authentication method the SDKs would use (not a secret).
    pub const AUTH_TYPE: &str = "auth_type";
    /// A personal access token; only its presence is kept.
    pub const TOKEN: &str = "token";
}

/// Larger files are refused rather than read (a config file is a few hundred bytes; this
/// guards against a path such as `/dev/zero`).
const MAX_BYTES: u64 = 1 << 20;

/// Why a config file could not be used. Never holds any of the file's contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileError {
    Missing,
    NotAFile,
    Unreadable(String),
    TooLarge,
    NotUtf8,
    /// Not INI; 1-based position of the problem.
    Invalid {
        line: usize,
        column: usize,
    },
}

impl fmt::Display for FileError {
    /// Completes a sentence that starts with the file's path.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Missing => f.write_str("does not exist"),
            FileError::NotAFile => f.write_str("is not a regular file"),
            FileError::Unreadable(reason) => write!(f, "cannot be read ({reason})"),
            FileError::TooLarge => write!(f, "is larger than {} KiB", MAX_BYTES / 1024),
            FileError::NotUtf8 => f.write_str("is not UTF-8 text"),
            FileError::Invalid { line, column } => write!(
                f,
                "is not a valid INI file (the first problem is at line {line}, column {column})"
            ),
        }
    }
}

/// One section of the file, as far as this provider cares.
#[derive(Clone, Debug)]
pub struct Profile {
    pub name: String,
    pub host: Option<String>,
    pub account_id: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<SecretString>,
    /// `auth_type`, which names the method the SDKs would use (not a secret).
    pub auth_type: Option<String>,
    /// Whether the section has a personal access token (`token`); its value is not kept.
    pub has_token: bool,
}

/// A profile with the management credentials of an account.
#[derive(Clone, Debug)]
pub struct AccountProfile {
    /// As written; a workspace host here is the caller's to skip.
    pub host: Option<String>,
    pub account_id: String,
    pub client_id: String,
    pub client_secret: SecretString,
}

/// Why a profile cannot supply management credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unusable {
    /// No `account_id`: a profile for a workspace.
    WorkspaceLevel,
    /// `account_id`, but not both `client_id` and `client_secret`.
    NoClientCredentials { missing: Vec<&'static str> },
    /// A value of the wrong shape. `reason` completes "`key` …" and holds no secret.
    InvalidValue { key: &'static str, reason: String },
}

impl Profile {
    fn from_section(name: &str, values: &BTreeMap<String, String>) -> Self {
        let text = |key: &str| {
            values
                .get(key)
                .map(|v| v.trim())
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        Self {
            name: name.to_owned(),
            host: text(key::HOST),
            account_id: text(key::ACCOUNT_ID),
            client_id: text(key::CLIENT_ID),
            client_secret: text(key::CLIENT_SECRET).map(SecretString::from),
            auth_type: text(key::AUTH_TYPE),
            has_token: text(key::TOKEN).is_some(),
        }
    }

    /// The management credentials of a complete account-level OAuth profile: `account_id`,
    /// `client_id` and `client_secret`, both IDs UUIDs, and a `host` (if any) that is a
    /// workspace or a valid account host.
    pub fn account_level(&self) -> Result<AccountProfile, Unusable> {
        let Some(account_id) = &self.account_id else {
            return Err(Unusable::WorkspaceLevel);
        };
        let (Some(client_id), Some(client_secret)) = (&self.client_id, &self.client_secret) else {
            let missing = [
                (key::CLIENT_ID, self.client_id.is_none()),
                (key::CLIENT_SECRET, self.client_secret.is_none()),
            ]
            .into_iter()
            .filter_map(|(key, absent)| absent.then_some(key))
            .collect();
            return Err(Unusable::NoClientCredentials { missing });
        };
        for (key, value) in [(key::ACCOUNT_ID, account_id), (key::CLIENT_ID, client_id)] {
            if !is_uuid(value) {
                return Err(Unusable::InvalidValue {
                    key,
                    reason: format!(
                        "must be a UUID like 0d2a7b1c-1234-4abc-9def-0123456789ab; got {}",
                        shown_value(value)
                    ),
                });
            }
        }
        if let Some(host) = &self.host
            && !matches!(classify_host(host), HostKind::Workspace(_))
            && let Err(reason) = parse_account_host(host)
        {
            return Err(Unusable::InvalidValue {
                key: key::HOST,
                reason: format!("is not an account host this provider can use: {reason}"),
            });
        }
        Ok(AccountProfile {
            host: self.host.clone(),
            account_id: account_id.clone(),
            client_id: client_id.clone(),
            client_secret: client_secret.clone(),
        })
    }
}

/// The profiles of one config file.
#[derive(Clone, Debug, Default)]
pub struct ConfigFile {
    profiles: Vec<Profile>,
    /// The file's permission bits, where the platform has them (unix).
    mode: Option<u32>,
}

impl ConfigFile {
    /// Reads and parses the file at `path`.
    pub fn read(path: &Path) -> Result<Self, FileError> {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => FileError::Missing,
            _ => FileError::Unreadable(e.to_string()),
        })?;
        if !meta.is_file() {
            return Err(FileError::NotAFile);
        }
        if meta.len() > MAX_BYTES {
            return Err(FileError::TooLarge);
        }
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|file| file.take(MAX_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| FileError::Unreadable(e.to_string()))?;
        if bytes.len() as u64 > MAX_BYTES {
            return Err(FileError::TooLarge);
        }
        let text = String::from_utf8(bytes).map_err(|_| FileError::NotUtf8)?;
        Ok(Self {
            mode: permission_bits(&meta),
            ..Self::parse(&text)?
        })
    }

    /// The file's permission bits when users other than its owner may write it (group or
    /// others have write permission); `None` otherwise, and where there are no such bits.
    pub fn writable_by_others(&self) -> Option<u32> {
        self.mode.filter(|mode| mode & 0o022 != 0)
    }

    /// Parses the text of a config file.
    pub fn parse(text: &str) -> Result<Self, FileError> {
        let options = ini::ParseOption {
            enabled_quote: true,
            enabled_escape: false,
            enabled_indented_mutiline_value: false,
            ..ini::ParseOption::default()
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let parsed =
            ini::Ini::load_from_str_opt(text, options).map_err(|e| FileError::Invalid {
                line: e.line + 1,
                column: e.col + 1,
            })?;
        // Sections in the order they first appear; a repeated one is merged into the first.
        let mut sections: Vec<(String, BTreeMap<String, String>)> = Vec::new();
        for (name, properties) in parsed.iter() {
            let name = name.map_or(DEFAULT_PROFILE, str::trim);
            let index = match sections.iter().position(|(n, _)| n == name) {
                Some(index) => index,
                None => {
                    sections.push((name.to_owned(), BTreeMap::new()));
                    sections.len() - 1
                }
            };
            if let Some((_, values)) = sections.get_mut(index) {
                for (key, value) in properties.iter() {
                    values.insert(key.trim().to_owned(), value.to_owned());
                }
            }
        }
        Ok(Self {
            mode: None,
            profiles: sections
                .iter()
                .filter(|(_, values)| !values.is_empty())
                .map(|(name, values)| Profile::from_section(name, values))
                .collect(),
        })
    }

    /// The profile named exactly `name`, if its section has any keys.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.name == name)
    }

    /// The names of the profiles, in file order.
    pub fn names(&self) -> Vec<&str> {
        self.profiles.iter().map(|p| p.name.as_str()).collect()
    }
}

#[cfg(unix)]
fn permission_bits(meta: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn permission_bits(_: &std::fs::Metadata) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "0d2a7b1c-1234-4abc-9def-0123456789ab";
    const CLIENT: &str = "6f7c4a1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b";

    fn parse(text: &str) -> ConfigFile {
        ConfigFile::parse(text).unwrap()
    }

    #[test]
    fn default_is_no_fallback_for_a_named_profile() {
        let file = parse(&format!(
            "[DEFAULT]\nhost = https://accounts.cloud.databricks.com\naccount_id = {ACCOUNT}\n\n\
             [sp]\nclient_id = {CLIENT}\nclient_secret = dose1\n"
        ));
        let sp = file.profile("sp").unwrap();
        assert_eq!(sp.account_id, None);
        assert_eq!(sp.host, None);
        assert_eq!(sp.account_level().unwrap_err(), Unusable::WorkspaceLevel);
        assert_eq!(file.names(), vec!["DEFAULT", "sp"]);
    }

    #[test]
    fn keys_before_any_header_belong_to_default() {
        let file = parse(&format!(
            "account_id = {ACCOUNT}\n[DEFAULT]\nclient_id = {CLIENT}\nclient_secret = dose1\n"
        ));
        let default = file.profile(DEFAULT_PROFILE).unwrap();
        let creds = default.account_level().unwrap();
        assert_eq!(creds.account_id, ACCOUNT);
        assert_eq!(creds.client_id, CLIENT);
        assert_eq!(creds.client_secret.expose_secret(), "dose1");
    }

    #[test]
    fn names_and_keys_are_case_sensitive_and_empty_sections_are_no_profiles() {
        let file = parse("[Prod]\nHOST = https://x.example.com\n[empty]\n[default]\nhost = h\n");
        assert!(file.profile("prod").is_none());
        assert!(file.profile("DEFAULT").is_none());
        assert!(file.profile("empty").is_none());
        assert_eq!(file.profile("Prod").unwrap().host, None);
        assert_eq!(file.names(), vec!["Prod", "default"]);
    }

    #[test]
    fn comments_quotes_and_repeats_follow_the_go_sdk() {
        let file = parse(
            "# comment\n; comment\n[p] ; trailing comment\n\
             client_secret = dose#1;2 # comment after whitespace\n\
             client_id = \"quoted\"\n\
             account_id = first\n\
             [p]\naccount_id = last\n\
             host = C:\\not\\escaped\n",
        );
        let p = file.profile("p").unwrap();
        assert_eq!(
            p.client_secret.as_ref().unwrap().expose_secret(),
            "dose#1;2"
        );
        assert_eq!(p.client_id.as_deref(), Some("quoted"));
        assert_eq!(p.account_id.as_deref(), Some("last"));
        assert_eq!(p.host.as_deref(), Some("C:\\not\\escaped"));
    }

    #[test]
    fn blank_values_are_no_values() {
        let file = parse(&format!(
            "[p]\naccount_id = {ACCOUNT}\nclient_id = {CLIENT}\nclient_secret =\n"
        ));
        assert_eq!(
            file.profile("p").unwrap().account_level().unwrap_err(),
            Unusable::NoClientCredentials {
                missing: vec![key::CLIENT_SECRET]
            }
        );
    }

    #[test]
    fn a_token_profile_has_no_client_credentials_and_the_token_is_not_kept() {
        let file = parse(&format!(
            "[pat]\nhost = https://accounts.cloud.databricks.com\naccount_id = {ACCOUNT}\n\
             token = dapiSECRET\n"
        ));
        let p = file.profile("pat").unwrap();
        assert!(p.has_token);
        assert_eq!(
            p.account_level().unwrap_err(),
            Unusable::NoClientCredentials {
                missing: vec![key::CLIENT_ID, key::CLIENT_SECRET]
            }
        );
        assert!(!format!("{file:?}").contains("dapiSECRET"));
    }

    #[test]
    fn the_secret_never_shows_in_debug_output() {
        let file = parse(&format!(
            "[p]\naccount_id = {ACCOUNT}\nclient_id = {CLIENT}\nclient_secret = doseSECRET\n"
        ));
        let p = file.profile("p").unwrap();
        assert!(!format!("{file:?} {:?}", p.account_level()).contains("doseSECRET"));
    }

    #[test]
    fn malformed_values_make_a_profile_unusable() {
        let profile = |extra: &str| {
            parse(&format!(
                "[p]\naccount_id = {ACCOUNT}\nclient_id = {CLIENT}\nclient_secret = d\n{extra}"
            ))
            .profile("p")
            .unwrap()
            .account_level()
        };
        assert!(profile("").is_ok());
        assert!(profile("host = accounts.cloud.databricks.us").is_ok());
        // A workspace host is not the profile's fault: the caller skips it with a warning.
        assert!(profile("host = https://adb-1.2.azuredatabricks.net/?o=1").is_ok());
        assert!(matches!(
            profile("host = http://10.0.0.1"),
            Err(Unusable::InvalidValue { key: key::HOST, .. })
        ));
        let bad_id = parse(&format!(
            "[p]\naccount_id = acc-1\nclient_id = {CLIENT}\nclient_secret = d\n"
        ));
        assert!(matches!(
            bad_id.profile("p").unwrap().account_level(),
            Err(Unusable::InvalidValue {
                key: key::ACCOUNT_ID,
                ..
            })
        ));
    }

    #[test]
    fn files_that_are_not_ini_say_where_without_quoting_the_file() {
        match ConfigFile::parse("[p]\nclient_secret = doseSECRET\n[broken\n") {
            Err(FileError::Invalid { line, .. }) => assert!(line >= 3, "line {line}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reading_reports_missing_directories_and_oversized_files() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            ConfigFile::read(&dir.path().join("none")).unwrap_err(),
            FileError::Missing
        );
        assert_eq!(
            ConfigFile::read(dir.path()).unwrap_err(),
            FileError::NotAFile
        );
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'#'; (MAX_BYTES + 1) as usize]).unwrap();
        assert_eq!(ConfigFile::read(&big).unwrap_err(), FileError::TooLarge);
        let latin1 = dir.path().join("latin1");
        std::fs::write(&latin1, b"[p]\nhost = \xe9\n").unwrap();
        assert_eq!(ConfigFile::read(&latin1).unwrap_err(), FileError::NotUtf8);
        let ok = dir.path().join("ok");
        std::fs::write(&ok, "\u{feff}[p]\nhost = h\n").unwrap();
        assert_eq!(ConfigFile::read(&ok).unwrap().names(), vec!["p"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_may_write_is_told_apart_from_a_private_one() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cfg");
        std::fs::write(&path, "[p]\nhost = h\n").unwrap();
        for (mode, writable) in [
            (0o600, None),
            (0o644, None),
            (0o620, Some(0o620)),
            (0o606, Some(0o606)),
        ] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            assert_eq!(
                ConfigFile::read(&path).unwrap().writable_by_others(),
                writable,
                "{mode:o}"
            );
        }
        assert_eq!(
            ConfigFile::parse("[p]\nhost = h\n")
                .unwrap()
                .writable_by_others(),
            None
        );
    }
}
