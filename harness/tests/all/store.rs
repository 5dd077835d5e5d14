//! The embedded SQLite entity store.

use hookcheck::engine::WriteOp;
use hookcheck::store::EntityStore;
use serde_json::json;

#[test]
fn insert_update_delete_round_trip_through_sqlite_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rows.db");
    {
        let store = EntityStore::open(&path).unwrap();
        let row = store
            .apply("Post", WriteOp::Insert, &json!({"title": "a"}))
            .unwrap();
        assert_eq!(row["id"], 1);
        store
            .apply("Post", WriteOp::Insert, &json!({"title": "b"}))
            .unwrap();
        store
            .apply("Post", WriteOp::Update, &json!({"id": 1, "title": "a2"}))
            .unwrap();
        store
            .apply("Post", WriteOp::Delete, &json!({"id": 2}))
            .unwrap();
    }
    let reopened = EntityStore::open(&path).unwrap();
    assert_eq!(
        reopened.rows("Post").unwrap(),
        [json!({"id": 1, "title": "a2"})]
    );
}

#[test]
fn bad_writes_say_what_is_wrong() {
    let store = EntityStore::in_memory().unwrap();
    let err = store
        .apply("Post", WriteOp::Update, &json!({"title": "x"}))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "failed to write `Post`: an update needs an integer `id`"
    );
    let err = store
        .apply("Post", WriteOp::Delete, &json!({"id": 9}))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "failed to write `Post`: there is no row with id 9"
    );
    let err = store
        .apply("Post", WriteOp::Insert, &json!([1]))
        .unwrap_err();
    assert!(err.to_string().contains("not a JSON object"));
}
