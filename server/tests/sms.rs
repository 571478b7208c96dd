//! The SMS adapters against a local stand-in of each provider
//! (`common/sms_stub.rs`) that checks requests as the providers document
//! them. The stand-in's own signing is first checked against the
//! providers' published worked examples.

#![allow(clippy::unwrap_used, missing_docs)]

#[path = "common/sms_stub.rs"]
mod sms_stub;

use server::sms::{Sms, SmsConfig, SmsFailure, SmsSender, Template};
use sms_stub::{Answer, CODE_TEMPLATE, INVITE_TEMPLATE, Stub};
use std::collections::BTreeMap;

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Aliyun's V3 document, 「固定参数示例」: RunInstances with fixed key,
/// date and nonce.
#[test]
fn the_stub_signs_aliyuns_published_example() {
    let query = sms_stub::aliyun_canonical_query(&map(&[
        ("RegionId", "cn-shanghai"),
        (
            "ImageId",
            "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
        ),
    ]));
    assert_eq!(
        query,
        "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai"
    );
    let headers = map(&[
        ("host", "ecs.cn-shanghai.aliyuncs.com"),
        ("x-acs-action", "RunInstances"),
        (
            "x-acs-content-sha256",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        ("x-acs-date", "2023-10-26T10:22:32Z"),
        ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
        ("x-acs-version", "2014-05-26"),
    ]);
    let (hashed, signature) =
        sms_stub::aliyun_signature("YourAccessKeySecret", "POST", &query, &headers, b"");
    assert_eq!(
        hashed,
        "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
    );
    assert_eq!(
        signature,
        "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
    );
}

/// Tencent's 「签名方法 v3」 example: CVM DescribeInstances at 1551113065.
#[test]
fn the_stub_signs_tencents_published_example() {
    let payload =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
    let headers = map(&[
        ("content-type", "application/json; charset=utf-8"),
        ("host", "cvm.tencentcloudapi.com"),
    ]);
    let (hashed, signature) = sms_stub::tencent_signature(
        "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        "cvm",
        1_551_113_065,
        &headers,
        payload.as_bytes(),
    );
    assert_eq!(
        hashed,
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    );
    assert_eq!(
        signature,
        "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    );
    assert_eq!(sms_stub::utc_date(1_551_113_065), "2019-02-25");
}

/// The SMS settings for `provider` at `stub`, with `change` applied.
fn config(stub: &Stub, provider: &str, change: &[(&str, &str)]) -> SmsConfig {
    let mut env: BTreeMap<String, String> = stub
        .env(provider)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    for (k, v) in change {
        env.insert((*k).to_owned(), (*v).to_owned());
    }
    let lookup = move |name: &str| env.get(name).cloned();
    SmsConfig::from_lookup(&lookup, std::path::Path::new("/nonexistent")).unwrap()
}

async fn send(
    sender: &dyn SmsSender,
    template: Template,
    params: &[&str],
) -> Result<(), SmsFailure> {
    let params: Vec<String> = params.iter().map(|p| (*p).to_owned()).collect();
    let sms = Sms {
        phone: "13912345678",
        template,
        params: &params,
        reference: Some(42),
    };
    sender.send(&sms).await.map_err(|e| e.failure)
}

async fn provider_round(provider: &str) {
    let stub = Stub::start().await;
    let sender = config(&stub, provider, &[]).sender();

    send(&*sender, Template::SignInCode, &["482913"])
        .await
        .unwrap();
    send(
        &*sender,
        Template::RoleInvitation,
        &["海景花园第一网格", "网格员"],
    )
    .await
    .unwrap();
    let received = stub.received();
    assert_eq!(received.len(), 2);
    for r in &received {
        assert_eq!(
            r.problem, None,
            "{provider}: the stub found {:?}",
            r.problem
        );
        assert_eq!(r.reference.as_deref(), Some("42"));
    }
    assert_eq!(stub.last_code("13912345678").as_deref(), Some("482913"));
    assert_eq!(received[1].template, INVITE_TEMPLATE);
    match provider {
        "aliyun" => {
            assert_eq!(received[0].phone, "13912345678");
            assert_eq!(
                received[1].params,
                serde_json::json!({ "place": "海景花园第一网格", "role": "网格员" })
            );
        }
        _ => {
            assert_eq!(received[0].phone, "+8613912345678");
            assert_eq!(
                received[1].params,
                serde_json::json!(["海景花园第一网格", "网格员"])
            );
        }
    }

    stub.answer(CODE_TEMPLATE, Answer::Throttle);
    assert_eq!(
        send(&*sender, Template::SignInCode, &["111111"]).await,
        Err(SmsFailure::Throttled)
    );
    stub.answer(CODE_TEMPLATE, Answer::Fail);
    assert_eq!(
        send(&*sender, Template::SignInCode, &["222222"]).await,
        Err(SmsFailure::Unavailable)
    );

    let secret = match provider {
        "aliyun" => "LINLI_ALIYUN_ACCESS_KEY_SECRET",
        _ => "LINLI_TENCENT_SECRET_KEY",
    };
    let wrong = config(&stub, provider, &[(secret, "not-the-secret")]).sender();
    stub.answer(CODE_TEMPLATE, Answer::Ok);
    assert_eq!(
        send(&*wrong, Template::SignInCode, &["333333"]).await,
        Err(SmsFailure::Unavailable)
    );
    let last = stub.received().pop().unwrap();
    assert_eq!(last.problem.as_deref(), Some("signature"), "{provider}");
}

#[tokio::test]
async fn aliyun_sends_signed_requests_and_reads_every_answer() {
    provider_round("aliyun").await;
}

#[tokio::test]
async fn tencent_sends_signed_requests_and_reads_every_answer() {
    provider_round("tencent").await;
}

#[test]
fn a_provider_without_its_settings_names_what_is_missing() {
    let only = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let dir = std::path::Path::new("/nonexistent");
    let err = SmsConfig::from_lookup(&only(&[("LINLI_SMS_PROVIDER", "aliyun")]), dir).unwrap_err();
    assert_eq!(err.var, "LINLI_ALIYUN_ACCESS_KEY_ID");
    let err = SmsConfig::from_lookup(&only(&[("LINLI_SMS_PROVIDER", "yunpian")]), dir).unwrap_err();
    assert_eq!(err.var, "LINLI_SMS_PROVIDER");
    let err = SmsConfig::from_lookup(
        &only(&[
            ("LINLI_SMS_PROVIDER", "tencent"),
            ("LINLI_TENCENT_SECRET_ID", "id"),
            ("LINLI_TENCENT_SECRET_KEY", "key"),
            ("LINLI_TENCENT_SMS_SDK_APP_ID", "1400000000"),
            ("LINLI_SMS_SIGN_NAME", "宁安街道"),
        ]),
        dir,
    )
    .unwrap_err();
    assert_eq!(err.var, "LINLI_SMS_TEMPLATE_SIGN_IN_CODE");
    let config = SmsConfig::from_lookup(
        &only(&[
            ("LINLI_SMS_PROVIDER", "tencent"),
            ("LINLI_TENCENT_SECRET_ID", "id"),
            ("LINLI_TENCENT_SECRET_KEY", "key"),
            ("LINLI_TENCENT_SMS_SDK_APP_ID", "1400000000"),
            ("LINLI_SMS_SIGN_NAME", "宁安街道"),
            ("LINLI_SMS_TEMPLATE_SIGN_IN_CODE", "1110"),
        ]),
        dir,
    )
    .unwrap();
    let sender = config.sender();
    assert!(sender.has_template(Template::SignInCode));
    assert!(
        !sender.has_template(Template::QueueNew),
        "a notice without a template id stays in the app"
    );
}

#[test]
fn the_outbox_is_refused_outside_a_demo() {
    let dir = std::path::Path::new("/nonexistent");
    let outbox = SmsConfig::from_lookup(&|_: &str| None, dir).unwrap();
    let refusal = outbox.check_production(false).unwrap_err();
    assert!(refusal.contains("LINLI_SMS_PROVIDER"), "{refusal}");
    assert!(refusal.contains("LINLI_ALLOW_OUTBOX=1"), "{refusal}");
    assert!(outbox.check_production(true).is_ok());
    let allowed = SmsConfig::from_lookup(
        &|name: &str| (name == "LINLI_ALLOW_OUTBOX").then(|| "1".to_owned()),
        dir,
    )
    .unwrap();
    assert!(allowed.check_production(false).is_ok());
}

/// The binary itself refuses to serve with the outbox in production mode,
/// and says why on its error output.
#[test]
fn the_server_will_not_start_with_the_outbox_in_production() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_linli-server"))
        .env_clear()
        .env("LINLI_DATA_DIR", dir.path())
        .env("LINLI_ADDR", "127.0.0.1:0")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("LINLI_SMS_PROVIDER is outbox"),
        "the refusal says why: {stderr}"
    );
    assert!(
        !dir.path().join("linli.db").exists(),
        "nothing was created before refusing"
    );
}

/// `LINLI_LOG_FORMAT=json`: the same refusal as one JSON object a log
/// collector can read; an unknown format is named.
#[test]
fn logs_can_be_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let run = |format: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_linli-server"))
            .env_clear()
            .env("LINLI_DATA_DIR", dir.path())
            .env("LINLI_LOG_FORMAT", format)
            .output()
            .unwrap()
    };
    let output = run("json");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let line: serde_json::Value = serde_json::from_str(stderr.lines().last().unwrap())
        .unwrap_or_else(|e| panic!("not a JSON line ({e}): {stderr}"));
    assert_eq!(line["level"], "ERROR");
    assert!(
        line["message"]
            .as_str()
            .unwrap()
            .contains("LINLI_SMS_PROVIDER is outbox"),
        "{line}"
    );
    let output = run("yaml");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("LINLI_LOG_FORMAT"));
}
