//! The clouds a Databricks account lives on.

use std::fmt;
use std::str::FromStr;

/// The cloud of a Databricks account; it selects the default account host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cloud {
    Aws,
    Azure,
    Gcp,
}

impl Cloud {
    /// Every cloud, in a fixed order.
    pub const ALL: [Cloud; 3] = [Cloud::Aws, Cloud::Azure, Cloud::Gcp];

    /// The name used in configuration: `aws`, `azure` or `gcp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Cloud::Aws => "aws",
            Cloud::Azure => "azure",
            Cloud::Gcp => "gcp",
        }
    }

    /// The base URL of this cloud's commercial account console.
    pub(super) fn console_url(self) -> &'static str {
        match self {
            Cloud::Aws => "https://accounts.cloud.databricks.com",
            Cloud::Azure => "https://accounts.azuredatabricks.net",
            Cloud::Gcp => "https://accounts.gcp.databricks.com",
        }
    }
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A cloud name that is not `aws`, `azure` or `gcp`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown cloud provider {0:?}: expected \"aws\", \"azure\" or \"gcp\"")]
pub struct UnknownCloud(pub String);

impl FromStr for Cloud {
    type Err = UnknownCloud;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Cloud::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownCloud(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloud_names_parse_exactly() {
        assert_eq!("aws".parse::<Cloud>(), Ok(Cloud::Aws));
        assert_eq!("azure".parse::<Cloud>(), Ok(Cloud::Azure));
        assert_eq!("gcp".parse::<Cloud>(), Ok(Cloud::Gcp));
        assert!("AWS".parse::<Cloud>().is_err());
        assert!("oracle".parse::<Cloud>().is_err());
    }
}
