//! The time bank (bank czasu): memberships, a double-entry ledger of hours, the credit limit,
//! reversals, and balances that stay exact under concurrent bookings.

use std::collections::HashMap;

use reqwest::Method;
use serde_json::{json, Value};

use crate::builders::MunicipalityBuilder;
use crate::helpers::{spawn_app, spawn_with, token_for, Reply, TestApp, TestDb};
use crate::residents::{as_role, create_resident, TERYT};

const MEMBERS: &str = "/api/v1/time-bank/members";
const TRANSFERS: &str = "/api/v1/time-bank/transfers";

async fn osl(app: &TestApp, method: Method, path: &str, body: Option<&Value>) -> Reply {
    as_role(app, "osl", method, path, body).await
}

/// Enrols `count` new residents of one municipality (joined on 1 September 2026) and returns
/// the members.
async fn members(app: &TestApp, count: usize) -> Vec<Value> {
    let municipality = MunicipalityBuilder::new(TERYT, "Starachowice").create(app).await;
    let mut members = Vec::new();
    for n in 0..count {
        let body = json!({"first_name": format!("Osoba{n}"), "last_name": "Sąsiedzka",
            "birth_date": "1950-05-05", "sex": "female"});
        let resident = create_resident(app, &body).await;
        let join = json!({"resident_id": resident["id"], "municipality_id": municipality["id"],
            "joined_on": "2026-09-01"});
        let reply = osl(app, Method::POST, MEMBERS, Some(&join)).await;
        assert_eq!(reply.status, 201, "{}", reply.body);
        members.push(reply.body);
    }
    members
}

fn transfer(giver: &Value, receiver: &Value, minutes: i64) -> Value {
    json!({"giver_id": giver["id"], "receiver_id": receiver["id"], "minutes": minutes,
        "occurred_on": "2026-11-20", "description": "Zakupy i spacer"})
}

async fn book(app: &TestApp, giver: &Value, receiver: &Value, minutes: i64) -> Reply {
    osl(app, Method::POST, TRANSFERS, Some(&transfer(giver, receiver, minutes))).await
}

async fn balance(app: &TestApp, member: &Value) -> i64 {
    let reply = osl(app, Method::GET, &format!("{MEMBERS}/{}", member["id"].as_str().unwrap()), None).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.body["balance_minutes"].as_i64().unwrap(),
        reply.body["given_minutes"].as_i64().unwrap() - reply.body["received_minutes"].as_i64().unwrap()
    );
    reply.body["balance_minutes"].as_i64().unwrap()
}

#[actix_web::test]
async fn a_resident_joins_once_and_the_ledger_gives_each_member_its_balance() {
    let app = spawn_app();
    let [anna, jan] = <[Value; 2]>::try_from(members(&app, 2).await).unwrap();
    assert_eq!((anna["status"].as_str(), anna["balance_minutes"].as_i64()), (Some("active"), Some(0)));

    let again = json!({"resident_id": anna["resident_id"], "municipality_id": anna["municipality_id"]});
    let reply = osl(&app, Method::POST, MEMBERS, Some(&again)).await;
    assert_eq!(reply.problem(409, "already-member")["member_id"], anna["id"]);

    let booked = book(&app, &anna, &jan, 90).await;
    assert_eq!(booked.status, 201, "{}", booked.body);
    let id = booked.body["id"].as_str().unwrap();
    assert_eq!(booked.header("location"), Some(format!("{TRANSFERS}/{id}").as_str()));
    assert_eq!(book(&app, &jan, &anna, 30).await.status, 201);
    assert_eq!((balance(&app, &anna).await, balance(&app, &jan).await), (60, -60));
    let anna_now = osl(&app, Method::GET, &format!("{MEMBERS}/{}", anna["id"].as_str().unwrap()), None).await;
    assert_eq!(
        (anna_now.body["given_minutes"].as_i64(), anna_now.body["received_minutes"].as_i64()),
        (Some(90), Some(30))
    );

    let fetched = osl(&app, Method::GET, &format!("{TRANSFERS}/{id}"), None).await;
    assert_eq!((fetched.body["minutes"].as_i64(), &fetched.body["giver_id"]), (Some(90), &anna["id"]));
    let statement =
        osl(&app, Method::GET, &format!("{TRANSFERS}?member_id={}", jan["id"].as_str().unwrap()), None).await;
    assert_eq!(statement.body["items"].as_array().unwrap().len(), 2);

    let auditor = token_for(&["auditor"]);
    let audit =
        app.send(app.request_as(Some(&auditor), Method::GET, "/api/v1/audit-events?action=get_time_bank_member")).await;
    let events = audit.body["items"].as_array().unwrap();
    assert_eq!(events.len(), 3, "every read of a member is audited");
    assert_eq!(events[0]["detail"]["ids"], json!([anna["id"]]));
    let listed = as_role(&app, "auditor", Method::GET, MEMBERS, None).await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 2);
    let audit = app
        .send(app.request_as(Some(&auditor), Method::GET, "/api/v1/audit-events?action=list_time_bank_members"))
        .await;
    assert_eq!(audit.body["items"][0]["detail"]["ids"], json!([anna["id"], jan["id"]]));
}

#[actix_web::test]
async fn a_transfer_may_not_take_the_receiver_below_the_credit_limit() {
    let app = spawn_with(TestDb::new(), &[("CUS_TIME_BANK_CREDIT_LIMIT_HOURS", "2")]);
    let [anna, jan] = <[Value; 2]>::try_from(members(&app, 2).await).unwrap();
    assert_eq!(book(&app, &anna, &jan, 100).await.status, 201);
    let over = book(&app, &anna, &jan, 21).await;
    let problem = over.problem(409, "credit-limit-exceeded");
    assert_eq!(
        (problem["credit_limit_minutes"].as_i64(), problem["available_minutes"].as_i64()),
        (Some(120), Some(20))
    );
    assert_eq!(book(&app, &anna, &jan, 20).await.status, 201, "exactly the limit is allowed");
    assert_eq!(book(&app, &anna, &jan, 1).await.problem(409, "credit-limit-exceeded")["available_minutes"], 0);
    assert_eq!(balance(&app, &jan).await, -120, "nothing refused was booked");
}

#[actix_web::test]
async fn a_reversal_cancels_a_transfer_once_and_is_itself_final() {
    let app = spawn_app();
    let [anna, jan] = <[Value; 2]>::try_from(members(&app, 2).await).unwrap();
    let booked = book(&app, &anna, &jan, 45).await.body;
    let path = format!("{TRANSFERS}/{}/reversal", booked["id"].as_str().unwrap());
    let reason = json!({"reason": "Pomyłka: usługę wykonała inna osoba"});
    let reversal = osl(&app, Method::POST, &path, Some(&reason)).await;
    assert_eq!(reversal.status, 201, "{}", reversal.body);
    assert_eq!(
        (&reversal.body["giver_id"], &reversal.body["receiver_id"], &reversal.body["reverses_id"]),
        (&jan["id"], &anna["id"], &booked["id"])
    );
    assert_eq!((balance(&app, &anna).await, balance(&app, &jan).await), (0, 0));
    let original = osl(&app, Method::GET, &format!("{TRANSFERS}/{}", booked["id"].as_str().unwrap()), None).await;
    assert_eq!(original.body["reversed_by_id"], reversal.body["id"]);

    let twice = osl(&app, Method::POST, &path, Some(&reason)).await;
    assert_eq!(twice.problem(409, "already-reversed")["reversed_by_id"], reversal.body["id"]);
    let of_reversal = format!("{TRANSFERS}/{}/reversal", reversal.body["id"].as_str().unwrap());
    osl(&app, Method::POST, &of_reversal, Some(&reason)).await.problem(409, "reversal-not-reversible");
    let no_reason = osl(&app, Method::POST, &of_reversal, Some(&json!({}))).await;
    assert_eq!(no_reason.problem(422, "validation-failed")["errors"][0]["field"], "reason");
    assert_eq!((balance(&app, &anna).await, balance(&app, &jan).await), (0, 0));
}

#[actix_web::test]
async fn a_member_who_left_takes_part_in_no_transfer_until_it_rejoins() {
    let app = spawn_app();
    let [anna, jan] = <[Value; 2]>::try_from(members(&app, 2).await).unwrap();
    assert_eq!(book(&app, &anna, &jan, 60).await.status, 201);
    let leave = format!("{MEMBERS}/{}/leave", jan["id"].as_str().unwrap());
    let left = osl(&app, Method::POST, &leave, None).await;
    assert_eq!((left.status, left.body["status"].as_str()), (200, Some("left")));
    assert!(left.body["left_on"].is_string());
    assert_eq!(left.body["balance_minutes"], -60, "the balance stays with the member");
    assert_eq!(book(&app, &anna, &jan, 10).await.problem(409, "member-not-active")["member_id"], jan["id"]);
    assert_eq!(book(&app, &jan, &anna, 10).await.problem(409, "member-not-active")["member_id"], jan["id"]);
    osl(&app, Method::POST, &leave, None).await.problem(409, "invalid-state-transition");

    let rejoined = osl(&app, Method::POST, &format!("{MEMBERS}/{}/rejoin", jan["id"].as_str().unwrap()), None).await;
    assert_eq!((rejoined.body["status"].as_str(), &rejoined.body["left_on"]), (Some("active"), &Value::Null));
    assert_eq!(rejoined.body["version"], 3);
    assert_eq!(book(&app, &jan, &anna, 10).await.status, 201);
    assert_eq!(balance(&app, &jan).await, -50);
}

#[actix_web::test]
async fn a_bad_transfer_or_membership_names_every_wrong_field() {
    let app = spawn_app();
    let [anna, jan] = <[Value; 2]>::try_from(members(&app, 2).await).unwrap();
    let empty = osl(&app, Method::POST, TRANSFERS, Some(&json!({}))).await;
    empty.problem(422, "validation-failed");
    assert_eq!(empty.error_fields(), vec!["giver_id", "receiver_id", "minutes", "occurred_on", "description"]);

    let mut wrong = transfer(&anna, &anna, 0);
    wrong["occurred_on"] = json!("2999-01-01");
    wrong["description"] = json!("x".repeat(501));
    let reply = osl(&app, Method::POST, TRANSFERS, Some(&wrong)).await;
    let codes: Vec<&str> = reply.problem(422, "validation-failed")["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["same_member", "range", "in_future", "length"]);
    assert!(!reply.body.to_string().contains(&"x".repeat(501)), "no error repeats a submitted value");

    let stranger = json!({"id": "0193a5f2-0000-7000-8000-000000000a99"});
    let mut early = transfer(&stranger, &jan, 30);
    early["occurred_on"] = json!("2026-08-31");
    let reply = osl(&app, Method::POST, TRANSFERS, Some(&early)).await;
    let errors = &reply.problem(422, "validation-failed")["errors"];
    assert_eq!((errors[0]["field"].as_str(), errors[0]["code"].as_str()), (Some("giver_id"), Some("unknown_member")));
    assert_eq!(errors[1]["code"], "before_joining");

    let join = json!({"resident_id": "0193a5f2-0000-7000-8000-000000000a98",
        "municipality_id": "0193a5f2-0000-7000-8000-000000000a97", "joined_on": "2999-01-01"});
    let reply = osl(&app, Method::POST, MEMBERS, Some(&join)).await;
    assert_eq!(reply.problem(422, "validation-failed")["errors"][0]["code"], "in_future");
    let reply = osl(
        &app,
        Method::POST,
        MEMBERS,
        Some(&json!({"resident_id": join["resident_id"],
        "municipality_id": join["municipality_id"]})),
    )
    .await;
    let codes: Vec<&str> = reply.problem(422, "validation-failed")["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["unknown_resident", "unknown_municipality"]);
    assert_eq!(balance(&app, &anna).await, 0, "nothing refused was booked");
}

/// A small deterministic generator, so a failing sequence can be replayed.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

#[actix_web::test]
async fn concurrent_random_transfers_keep_the_ledger_balanced_and_within_the_limit() {
    let app = spawn_with(TestDb::new(), &[("CUS_TIME_BANK_CREDIT_LIMIT_HOURS", "2")]);
    let members = members(&app, 4).await;
    let mut random = XorShift(0x2026_1204);
    let mut expected: HashMap<String, i64> = HashMap::new();
    let mut refused = 0;
    for _round in 0..6 {
        let batch: Vec<Value> = (0..8)
            .map(|_| {
                let giver = random.below(4) as usize;
                let receiver = (giver + 1 + random.below(3) as usize) % 4;
                transfer(&members[giver], &members[receiver], 10 + random.below(50) as i64)
            })
            .collect();
        let replies =
            futures_util::future::join_all(batch.iter().map(|body| osl(&app, Method::POST, TRANSFERS, Some(body))))
                .await;
        for reply in replies {
            if reply.status == 201 {
                let minutes = reply.body["minutes"].as_i64().unwrap();
                *expected.entry(reply.body["giver_id"].as_str().unwrap().to_owned()).or_default() += minutes;
                *expected.entry(reply.body["receiver_id"].as_str().unwrap().to_owned()).or_default() -= minutes;
            } else {
                reply.problem(409, "credit-limit-exceeded");
                refused += 1;
            }
        }
    }
    assert!(refused > 0 && refused < 48, "the sequence exercises the limit: {refused} refused");
    let mut total = 0;
    for member in &members {
        let balance = balance(&app, member).await;
        assert_eq!(balance, expected.get(member["id"].as_str().unwrap()).copied().unwrap_or(0));
        assert!(balance >= -120, "a balance went below the credit limit: {balance}");
        total += balance;
    }
    assert_eq!(total, 0, "every minute given is a minute received");
}
