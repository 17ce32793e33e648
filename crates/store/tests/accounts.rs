//! Accounts under attack (issue 14): parallel password guessing, the bootstrap admin token,
//! tokens of disabled accounts, look-alike logins, and throttling by client address. Every
//! test runs on SQLite, or on PostgreSQL with PLANWATCH_TEST_PG.

use std::sync::Arc;

use planwatch_store::testing::TempStore;
use planwatch_store::users::{LoginRefusal, NewUser, ADDRESS_LIMIT, LOCK_AFTER};
use planwatch_store::{Actor, AuditFilter, Role, Store};

const PASSWORD: &str = "correct-horse-42";

fn op() -> Actor {
    Actor::operator("test")
}

fn open(t: &TempStore) -> Store {
    t.open(Default::default()).unwrap()
}

fn add(store: &Store, login: &str, role: Role) -> planwatch_store::users::User {
    store
        .add_user(
            &op(),
            &NewUser {
                login: login.into(),
                display_name: String::new(),
                role,
                region: String::new(),
                place: String::new(),
                department: String::new(),
                password: PASSWORD.into(),
            },
        )
        .unwrap()
}

fn audited(store: &Store, action: &str) -> Vec<planwatch_store::AuditRecord> {
    let filter = AuditFilter { action: action.into(), ..Default::default() };
    store.audit_log(&op(), &filter, 1000, 0).unwrap().0.into_iter().filter(|e| e.action == action).collect()
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Hole 1: wrong passwords sent in parallel were all checked and overwrote each other's
/// count (40 guesses left `failed_logins` at 2). Now every guess is counted, the lock falls
/// after exactly five checks, and no password is checked while the account is locked.
#[test]
fn parallel_wrong_passwords_are_all_counted_and_stop_at_the_lock() {
    let t = TempStore::new().unwrap();
    let store = Arc::new(open(&t));
    add(&store, "yubei", Role::Analyst);
    let n = 24;
    let barrier = Arc::new(std::sync::Barrier::new(n));
    let outcomes: Vec<LoginRefusal> = (0..n)
        .map(|i| {
            let (store, barrier) = (store.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                store.login("yubei", &format!("wrong-password-{i}"), "", "").unwrap().unwrap_err()
            })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect();
    let user = store.user("yubei").unwrap().unwrap();
    assert_eq!(store.password_checks(), LOCK_AFTER as u64, "passwords checked: {outcomes:?}");
    assert_eq!(user.failed_logins, LOCK_AFTER, "every checked guess is counted");
    assert!(user.locked_until > now(), "the account is locked");
    assert_eq!(audited(&store, "login.fail").len(), LOCK_AFTER as usize, "each checked guess is audited");
    let locked = outcomes.iter().filter(|o| matches!(o, LoginRefusal::Locked(_))).count();
    assert!(locked >= n - LOCK_AFTER as usize, "{outcomes:?}");
    // Locked: even the right password is refused, and not checked.
    assert!(matches!(store.login("yubei", PASSWORD, "", "").unwrap(), Err(LoginRefusal::Locked(_))));
    assert_eq!(store.password_checks(), LOCK_AFTER as u64);
}

/// Sequential guesses count one by one, and a good password resets the count.
#[test]
fn failures_count_one_by_one_and_a_good_login_resets_them() {
    let t = TempStore::new().unwrap();
    let store = open(&t);
    add(&store, "yubei", Role::Analyst);
    for i in 1..LOCK_AFTER {
        assert_eq!(
            store.login("yubei", "wrong-password-x", "", "").unwrap().unwrap_err(),
            LoginRefusal::BadCredentials
        );
        assert_eq!(store.user("yubei").unwrap().unwrap().failed_logins, i);
    }
    assert!(store.login("yubei", PASSWORD, "", "").unwrap().is_ok());
    let user = store.user("yubei").unwrap().unwrap();
    assert_eq!((user.failed_logins, user.locked_until), (0, 0));
    assert_eq!(store.password_checks(), LOCK_AFTER as u64);
    // The fifth failure in a row locks.
    for _ in 0..LOCK_AFTER {
        store.login("yubei", "wrong-password-x", "", "").unwrap().unwrap_err();
    }
    assert!(matches!(store.login("yubei", PASSWORD, "", "").unwrap(), Err(LoginRefusal::Locked(_))));
}

/// Hole 4: the bootstrap admin token worked again once the only admin was disabled. Now the
/// store records that an admin has existed, in the transaction that made it, and the token
/// stays closed for good; recovery is `planwatch user enable` / `user add --role admin`.
#[test]
fn the_bootstrap_token_stays_closed_once_an_admin_has_existed() {
    let t = TempStore::new().unwrap();
    let store = open(&t);
    assert!(store.bootstrap_open().unwrap(), "a new store is set up with the token");
    add(&store, "ana", Role::Analyst);
    assert!(store.bootstrap_open().unwrap(), "an analyst does not close the setup");
    add(&store, "root", Role::Admin);
    assert!(!store.bootstrap_open().unwrap());
    let added = audited(&store, "user.add");
    let root = added.iter().find(|e| e.object == "user root").unwrap();
    assert!(root.new_value.as_deref().unwrap().contains("\"bootstrap_closed\":true"), "{:?}", root.new_value);
    // The only admin disabled: no enabled admin, and still no token.
    store.set_user_disabled(&op(), "root", true).unwrap();
    assert!(!store.has_admin().unwrap());
    assert!(!store.bootstrap_open().unwrap(), "the token came back when the only admin was disabled");
    // The command line (the operator) recovers: enable, or add another admin.
    store.set_user_disabled(&op(), "root", false).unwrap();
    assert!(store.has_admin().unwrap());
    store.set_user_disabled(&op(), "root", true).unwrap();
    add(&store, "root2", Role::Admin);
    assert!(store.has_admin().unwrap() && !store.bootstrap_open().unwrap());
    // Only the first admin records the fact.
    let added = audited(&store, "user.add");
    let root2 = added.iter().find(|e| e.object == "user root2").unwrap();
    assert!(!root2.new_value.as_deref().unwrap().contains("bootstrap_closed"), "{:?}", root2.new_value);
}

/// A store whose admins were made before the upgrade (schema 3) keeps the token closed,
/// even when all its admins are disabled.
#[test]
fn a_store_upgraded_with_admins_keeps_the_token_closed() {
    let t = TempStore::new().unwrap();
    let old = t.open_at_version(3).unwrap();
    old.execute_batch(
        "INSERT INTO users (login, role, password_hash, disabled, created_at, password_set_at)
         VALUES ('root', 'admin', 'x', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
    )
    .unwrap();
    drop(old);
    let store = open(&t);
    assert!(!store.has_admin().unwrap());
    assert!(!store.bootstrap_open().unwrap());
    // A store upgraded without any admin is still set up with the token.
    let t = TempStore::new().unwrap();
    drop(t.open_at_version(3).unwrap());
    assert!(open(&t).bootstrap_open().unwrap());
}

/// Restoring a backup taken before the first admin does not reopen the bootstrap token.
#[test]
fn a_restore_of_a_backup_from_before_the_first_admin_keeps_the_token_closed() {
    let t = TempStore::new().unwrap();
    let store = open(&t);
    let backup = t.path().join("before-admin.db");
    store.backup(&backup).unwrap();
    add(&store, "root", Role::Admin);
    store.restore(&op(), &backup).unwrap();
    assert!(store.user("root").unwrap().is_none(), "the restore replaced the accounts");
    assert!(!store.bootstrap_open().unwrap());
}

/// Disabling an account revokes its API tokens, so re-enabling it does not revive them;
/// the revocation is audited with the disabling.
#[test]
fn disabling_an_account_revokes_its_api_tokens_for_good() {
    let t = TempStore::new().unwrap();
    let store = open(&t);
    add(&store, "ana", Role::Analyst);
    let (a, b) =
        (store.create_token(&op(), "ana", "脚本一").unwrap(), store.create_token(&op(), "ana", "脚本二").unwrap());
    assert!(store.token_user(&a).unwrap().is_some());
    store.set_user_disabled(&op(), "ana", true).unwrap();
    store.set_user_disabled(&op(), "ana", false).unwrap();
    for token in [&a, &b] {
        assert!(store.token_user(token).unwrap().is_none(), "a token revived with its account");
    }
    assert!(store.tokens("ana").unwrap().iter().all(|t| t.revoked));
    let disable = &audited(&store, "user.disable")[0];
    assert!(disable.new_value.as_deref().unwrap().contains("\"revoked_tokens\":2"), "{:?}", disable.new_value);
    // A token made after re-enabling works.
    let c = store.create_token(&op(), "ana", "").unwrap();
    assert_eq!(store.token_user(&c).unwrap().unwrap().login, "ana");
}

/// Accounts disabled before the upgrade lose their live tokens in the migration.
#[test]
fn tokens_of_accounts_disabled_before_the_upgrade_are_revoked() {
    let t = TempStore::new().unwrap();
    let old = t.open_at_version(3).unwrap();
    old.execute_batch(
        "INSERT INTO users (id, login, role, password_hash, disabled, created_at, password_set_at)
         VALUES (7, 'ana', 'analyst', 'x', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
         INSERT INTO api_tokens (user_id, label, token_hash, prefix, created_at)
         VALUES (7, '', 'aaaa', 'pwt_aaaa', '2026-01-01T00:00:00Z')",
    )
    .unwrap();
    drop(old);
    let store = open(&t);
    assert!(store.tokens("ana").unwrap().iter().all(|t| t.revoked));
    assert_eq!(audited(&store, "token.revoke").len(), 1, "the migration's revocation is audited");
}

fn refused(store: &Store, login: &str) -> String {
    let new = NewUser {
        login: login.into(),
        display_name: String::new(),
        role: Role::Analyst,
        region: String::new(),
        place: String::new(),
        department: String::new(),
        password: PASSWORD.into(),
    };
    match store.add_user(&op(), &new) {
        Err(planwatch_store::StoreError::Invalid(m)) => m,
        other => panic!("{login:?} was not refused: {other:?}"),
    }
}

/// Look-alike logins: a login is stored case-folded (NFKC, lower case) from a clear set of
/// characters (ASCII letters and digits, `. _ - @`, Chinese characters); one that folds to an
/// existing login, or holds letters of another script, is refused with a message saying why.
/// Logging in is case-insensitive.
#[test]
fn logins_are_case_folded_and_look_alikes_are_refused() {
    let t = TempStore::new().unwrap();
    let store = open(&t);
    assert_eq!(add(&store, "YuBei", Role::Analyst).login, "yubei");
    for same in ["yubei", "YUBEI", " yubei ", "ＹＵＢＥＩ"] {
        let m = refused(&store, same);
        assert!(m.contains("yubei") && m.contains("已有账户"), "{same:?}: {m}");
    }
    // Cyrillic і (U+0456) and у (U+0443), Greek ο (U+03BF): letters of other scripts.
    for (mixed, code) in [("yubeі", "U+0456"), ("уubei", "U+0443"), ("yubeiο", "U+03BF"), ("straße", "U+00DF")] {
        let m = refused(&store, mixed);
        assert!(m.contains(code) && m.contains("英文字母、数字、汉字"), "{mixed:?}: {m}");
    }
    for bad in ["a b", "a\u{200b}b", "a\tb", "", "x/y", "<b>", &"x".repeat(65)] {
        refused(&store, bad);
    }
    for good in ["张伟", "wang.li-2@hq", "li_3"] {
        assert_eq!(add(&store, good, Role::Analyst).login, good);
    }
    assert_eq!(add(&store, "Wang_Li", Role::Analyst).login, "wang_li");
    // Case-insensitive everywhere a login is named: logging in, --as, the account commands.
    assert_eq!(store.login("YUBEI", PASSWORD, "", "").unwrap().unwrap().user.login, "yubei");
    assert_eq!(store.login("ＹｕＢｅｉ", PASSWORD, "", "").unwrap().unwrap().user.login, "yubei");
    assert_eq!(store.user("YuBei").unwrap().unwrap().login, "yubei");
    store.set_user_disabled(&op(), "YUBEI", true).unwrap();
    assert!(store.user("yubei").unwrap().unwrap().disabled);
    assert!(store.login("yubeі", PASSWORD, "", "").unwrap().is_err(), "a look-alike does not log in");
}

/// The upgrade folds existing logins to lower case where that is unambiguous (audited as
/// user.rename); logins that would collide stay as they are and still log in as typed.
#[test]
fn the_upgrade_folds_existing_logins_where_unambiguous() {
    let t = TempStore::new().unwrap();
    let old = t.open_at_version(3).unwrap();
    let hash = planwatch_store::users::hash_password(PASSWORD).unwrap();
    let mut sql = String::new();
    for (id, login) in [(1, "Wang"), (2, "Li"), (3, "li"), (4, "张伟"), (5, "zhao")] {
        sql.push_str(&format!(
            "INSERT INTO users (id, login, role, password_hash, created_at, password_set_at)
             VALUES ({id}, '{login}', 'analyst', '{hash}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
        ));
    }
    old.execute_batch(&sql).unwrap();
    drop(old);
    let store = open(&t);
    let logins: Vec<String> = store.users(&op()).unwrap().into_iter().map(|u| u.login).collect();
    assert_eq!(logins, ["Li", "li", "wang", "zhao", "张伟"]);
    let renames = audited(&store, "user.rename");
    assert_eq!(renames.len(), 1, "{renames:?}");
    assert_eq!(renames[0].object, "user wang");
    assert!(renames[0].old_value.as_deref().unwrap().contains("Wang"));
    for (typed, id) in [("Wang", 1), ("WANG", 1), ("Li", 2), ("li", 3), ("张伟", 4)] {
        assert_eq!(store.login(typed, PASSWORD, "", "").unwrap().unwrap().user.id, id, "{typed}");
    }
}

fn analyst_actor(store: &Store) -> Actor {
    store.user("ana").unwrap().unwrap().actor(planwatch_store::Channel::Form, "")
}

/// One client address may fail [`ADDRESS_LIMIT`] logins in a window (any logins, known or
/// not); then it is refused before any account is looked at or any password checked, while
/// other addresses log in. An admin sees the block and lifts it (audited).
#[test]
fn an_address_is_throttled_after_repeated_failures_and_an_admin_lifts_it() {
    let t = TempStore::new().unwrap();
    let store = open(&t);
    add(&store, "yubei", Role::Analyst);
    add(&store, "ana", Role::Analyst);
    let (attacker, office) = ("203.0.113.7", "203.0.113.8");
    for i in 0..ADDRESS_LIMIT {
        let refusal = store.login(&format!("guess{i}"), "wrong-password-x", attacker, "").unwrap().unwrap_err();
        assert_eq!(refusal, LoginRefusal::BadCredentials);
    }
    let checks = store.password_checks();
    let until = match store.login("yubei", PASSWORD, attacker, "").unwrap() {
        Err(LoginRefusal::Throttled(until)) => until,
        other => panic!("not throttled: {other:?}"),
    };
    assert!(until > now());
    assert_eq!(store.password_checks(), checks, "a throttled address's password was checked");
    assert_eq!(store.user("yubei").unwrap().unwrap().failed_logins, 0, "a throttled try counted against the account");
    assert!(store.login("yubei", PASSWORD, office, "").unwrap().is_ok(), "another address is not throttled");
    // The admin's view: the blocked address (analysts may not see it).
    let locks = store.login_locks(&op()).unwrap();
    let blocked = locks.addresses.iter().find(|a| a.address == attacker).expect("the address is listed");
    assert_eq!((blocked.failures, blocked.blocked_until), (ADDRESS_LIMIT, until));
    assert!(matches!(store.login_locks(&analyst_actor(&store)), Err(planwatch_store::StoreError::Forbidden(_))));
    assert!(matches!(
        store.unblock_address(&analyst_actor(&store), attacker),
        Err(planwatch_store::StoreError::Forbidden(_))
    ));
    assert!(store.unblock_address(&op(), attacker).unwrap());
    let unblocks = audited(&store, "login.unblock");
    assert_eq!(unblocks.len(), 1);
    assert!(unblocks[0].object.contains(attacker));
    assert!(store.login("yubei", PASSWORD, attacker, "").unwrap().is_ok());
    // Nothing to lift: nothing written.
    assert!(!store.unblock_address(&op(), attacker).unwrap());
    assert_eq!(audited(&store, "login.unblock").len(), 1);
}

/// Parallel failures from one address are counted atomically too: no more than
/// [`ADDRESS_LIMIT`] passwords are checked.
#[test]
fn parallel_failures_from_one_address_stop_at_its_limit() {
    let t = TempStore::new().unwrap();
    let store = Arc::new(open(&t));
    let n = ADDRESS_LIMIT as usize + 12;
    let barrier = Arc::new(std::sync::Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let (store, barrier) = (store.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                store.login(&format!("guess{i}"), "wrong-password-x", "2001:db8::/64", "").unwrap().unwrap_err()
            })
        })
        .collect();
    let throttled =
        handles.into_iter().map(|h| h.join().unwrap()).filter(|r| matches!(r, LoginRefusal::Throttled(_))).count();
    assert_eq!(store.password_checks(), ADDRESS_LIMIT as u64);
    assert_eq!(throttled, n - ADDRESS_LIMIT as usize);
}

/// An admin sees a locked account and unlocks it (audited); an analyst may not.
#[test]
fn an_admin_sees_and_clears_an_account_lock() {
    let t = TempStore::new().unwrap();
    let store = open(&t);
    add(&store, "yubei", Role::Analyst);
    add(&store, "ana", Role::Analyst);
    for _ in 0..LOCK_AFTER {
        store.login("yubei", "wrong-password-x", "", "").unwrap().unwrap_err();
    }
    let locks = store.login_locks(&op()).unwrap();
    assert_eq!(locks.accounts.iter().map(|u| u.login.as_str()).collect::<Vec<_>>(), ["yubei"]);
    assert!(matches!(
        store.unlock_user(&analyst_actor(&store), "yubei"),
        Err(planwatch_store::StoreError::Forbidden(_))
    ));
    assert!(store.unlock_user(&op(), "YUBEI").unwrap());
    let unlocks = audited(&store, "user.unlock");
    assert_eq!(unlocks.len(), 1);
    assert!(unlocks[0].old_value.as_deref().unwrap().contains(&format!("\"failures\":{LOCK_AFTER}")));
    assert!(store.login("yubei", PASSWORD, "", "").unwrap().is_ok());
    assert!(store.login_locks(&op()).unwrap().accounts.is_empty());
    assert!(!store.unlock_user(&op(), "yubei").unwrap(), "nothing to unlock");
    assert_eq!(audited(&store, "user.unlock").len(), 1);
}
