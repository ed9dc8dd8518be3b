//! Acceptance: management credentials (an account-admin principal configured on the
//! provider) let a refresh of many connections share one token.

use crate::support::connection::{Connection, Fixture, Management, TYPE, add_admin_principal};

#[test]
fn refreshing_twenty_connections_with_management_credentials_takes_one_token() {
    let mut fx = Fixture::new();
    // Management credentials from the environment, as CI would set them.
    let management = Management::add(&fx.emu);
    fx.work
        .env("DATABRICKS_ACCOUNT_ID", &management.account_id)
        .env("DATABRICKS_CLIENT_ID", &management.client_id)
        .env("DATABRICKS_CLIENT_SECRET", &management.client_secret);
    // Keep the client's rate limit out of the way of 20 parallel creates.
    fx.provider_extra.push("  rate_limit = 1000".into());

    // Four principals with five secrets each (the API's default limit per principal).
    let principals: Vec<_> = (0..4)
        .map(|i| add_admin_principal(&fx.emu, &format!("flows-{i}"), 5))
        .collect();
    let connections: Vec<(String, Connection)> = principals
        .iter()
        .flat_map(|sp| (0..5).map(move |i| Connection::of(sp, i)))
        .enumerate()
        .map(|(n, c)| (format!("c{n:02}"), c))
        .collect();
    let blocks: Vec<(&str, &Connection)> =
        connections.iter().map(|(l, c)| (l.as_str(), c)).collect();
    fx.configure(&blocks, "");

    let out = fx.work.apply_clean();
    assert!(
        out.stdout.contains("20 added, 0 changed, 0 destroyed"),
        "{}",
        out.stdout
    );
    let recorded = fx.work.instances(TYPE);
    assert_eq!(recorded.len(), 20);
    assert!(
        recorded.values().all(|c| c["status"] == "verified"),
        "{recorded:#?}"
    );

    fx.emu.reset_calls();
    let refresh = fx.work.plan_refresh_only();
    assert_eq!(refresh.code, 0, "{}", refresh.combined());
    let calls = fx.emu.calls();
    assert_eq!(
        calls.token, 1,
        "one management token for 20 reads: {calls:?}"
    );
    // Every principal and its secrets were looked at (concurrent reads of one principal may
    // share a request).
    assert!((4..=20).contains(&calls.scim_get), "{calls:?}");
    assert!((4..=20).contains(&calls.secrets_list), "{calls:?}");
}
