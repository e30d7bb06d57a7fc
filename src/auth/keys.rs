//! Token verification and signing keys.
//!
//! Keys of the identity provider come from a PEM or JWKS file; each key is pinned to one algorithm
//! (RS256 for RSA, ES256 for P-256), so `alg: none` and HS/RS confusion never verify. cus-api signs
//! its own tokens (API clients, the CLI) with an HS256 secret that it generates on first start and
//! keeps in the database, so that every replica shares it.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use diesel::prelude::*;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::caller::{Caller, Role};
use crate::config::AuthConfig;
use crate::db::schema::signing_keys;
use crate::db::DbConnection;
use crate::error::ApiError;

/// Tolerated clock difference between cus-api and the identity provider.
const CLOCK_SKEW_SECONDS: u64 = 30;
const OWN_ALGORITHM: &str = "HS256";
const FIRST_OWN_KID: &str = "cus-1";

/// A verification key and the one algorithm it accepts.
struct PinnedKey {
    kid: Option<String>,
    algorithm: Algorithm,
    key: DecodingKey,
}

/// The identity provider's keys and the claims its tokens must carry.
struct IdentityProvider {
    issuer: String,
    audience: String,
    keys: Vec<PinnedKey>,
    roles_claim: String,
    provider_claim: String,
}

/// Every key cus-api verifies with, and the one it signs with.
pub struct KeyRing {
    identity_provider: Option<IdentityProvider>,
    own_kid: String,
    own_encoding: EncodingKey,
    own_decoding: DecodingKey,
    own_issuer: String,
}

impl KeyRing {
    /// Loads the identity provider's keys (if configured) and cus-api's own key from the database,
    /// creating it on first start.
    pub fn load(config: &AuthConfig, conn: &mut DbConnection) -> Result<KeyRing, String> {
        let identity_provider = match &config.public_keys {
            None => None,
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|err| format!("cannot read CUS_JWT_PUBLIC_KEYS {}: {err}", path.display()))?;
                let keys =
                    parse_public_keys(&text).map_err(|err| format!("CUS_JWT_PUBLIC_KEYS {}: {err}", path.display()))?;
                Some(IdentityProvider {
                    issuer: config.issuer.clone().ok_or("CUS_JWT_ISSUER is required with CUS_JWT_PUBLIC_KEYS")?,
                    audience: config.audience.clone().ok_or("CUS_JWT_AUDIENCE is required with CUS_JWT_PUBLIC_KEYS")?,
                    keys,
                    roles_claim: config.roles_claim.clone(),
                    provider_claim: config.provider_claim.clone(),
                })
            }
        };
        let (own_kid, secret) = own_signing_key(conn).map_err(|err| format!("cannot load the signing key: {err}"))?;
        Ok(KeyRing {
            identity_provider,
            own_kid,
            own_encoding: EncodingKey::from_secret(&secret),
            own_decoding: DecodingKey::from_secret(&secret),
            own_issuer: config.own_issuer.clone(),
        })
    }

    /// Verifies a bearer token and returns its caller; any failure is a 401.
    pub fn verify(&self, token: &str) -> Result<Caller, ApiError> {
        let invalid = |reason: &str| ApiError::Unauthorized(format!("the token is not valid: {reason}"));
        let header = jsonwebtoken::decode_header(token).map_err(|_| invalid("malformed"))?;
        if header.kid.as_deref() == Some(self.own_kid.as_str()) {
            let claims = decode(token, &self.own_decoding, Algorithm::HS256, &self.own_issuer, &self.own_issuer)
                .map_err(|reason| invalid(&reason))?;
            return caller_from(&claims, "roles", "provider_id", true);
        }
        let idp = self.identity_provider.as_ref().ok_or_else(|| invalid("unknown signing key"))?;
        let mut last_failure = "unknown signing key".to_owned();
        let candidates = idp.keys.iter().filter(|key| match (&key.kid, &header.kid) {
            (Some(key_kid), Some(token_kid)) => key_kid == token_kid,
            (Some(_), None) => false,
            (None, _) => true,
        });
        for key in candidates {
            if key.algorithm != header.alg {
                last_failure = "algorithm not allowed for this key".to_owned();
                continue;
            }
            match decode(token, &key.key, key.algorithm, &idp.issuer, &idp.audience) {
                Ok(claims) => return caller_from(&claims, &idp.roles_claim, &idp.provider_claim, false),
                Err(reason) => last_failure = reason,
            }
        }
        Err(invalid(&last_failure))
    }

    /// Signs a token of cus-api's own.
    pub fn issue(
        &self,
        subject: &str,
        client_id: Option<Uuid>,
        roles: &[Role],
        provider_id: Option<Uuid>,
        ttl: Duration,
    ) -> Result<String, ApiError> {
        let now = chrono::Utc::now().timestamp();
        let mut claims = json!({
            "iss": self.own_issuer,
            "aud": self.own_issuer,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": now + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2),
            "jti": Uuid::now_v7().to_string(),
            "roles": roles.iter().map(AsRef::as_ref).collect::<Vec<_>>(),
        });
        if let Some(provider) = provider_id {
            claims["provider_id"] = json!(provider.to_string());
        }
        if let Some(client) = client_id {
            claims["client_id"] = json!(client.to_string());
        }
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(self.own_kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.own_encoding)
            .map_err(|err| ApiError::internal(format!("cannot sign a token: {err}")))
    }
}

/// Verifies signature, algorithm, issuer, audience, `exp`, `nbf` and the presence of `sub`.
fn decode(
    token: &str,
    key: &DecodingKey,
    algorithm: Algorithm,
    issuer: &str,
    audience: &str,
) -> Result<Map<String, Value>, String> {
    let mut validation = Validation::new(algorithm);
    validation.algorithms = vec![algorithm];
    validation.leeway = CLOCK_SKEW_SECONDS;
    validation.validate_nbf = true;
    validation.set_issuer(&[issuer]);
    validation.set_audience(&[audience]);
    validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    jsonwebtoken::decode::<Map<String, Value>>(token, key, &validation).map(|data| data.claims).map_err(|err| {
        use jsonwebtoken::errors::ErrorKind;
        match err.kind() {
            ErrorKind::ExpiredSignature => "expired".to_owned(),
            ErrorKind::ImmatureSignature => "not yet valid".to_owned(),
            ErrorKind::InvalidIssuer => "wrong issuer".to_owned(),
            ErrorKind::InvalidAudience => "wrong audience".to_owned(),
            ErrorKind::InvalidSignature => "bad signature".to_owned(),
            ErrorKind::InvalidAlgorithm => "algorithm not allowed".to_owned(),
            ErrorKind::MissingRequiredClaim(claim) => format!("missing claim {claim}"),
            _ => "malformed".to_owned(),
        }
    })
}

/// Reads a claim by a dotted path (`realm_access.roles` for Keycloak).
fn claim<'a>(claims: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.');
    let first = claims.get(parts.next()?)?;
    parts.try_fold(first, |value, part| value.get(part))
}

fn caller_from(
    claims: &Map<String, Value>,
    roles_claim: &str,
    provider_claim: &str,
    own: bool,
) -> Result<Caller, ApiError> {
    let invalid = |reason: &str| ApiError::Unauthorized(format!("the token is not valid: {reason}"));
    let subject =
        claims.get("sub").and_then(Value::as_str).filter(|s| !s.is_empty()).ok_or_else(|| invalid("empty sub"))?;
    // Role names the service does not know are ignored: the identity provider has many more.
    let roles: Vec<Role> = match claim(claims, roles_claim) {
        Some(Value::Array(names)) => {
            names.iter().filter_map(Value::as_str).filter_map(|name| name.parse().ok()).collect()
        }
        Some(Value::String(names)) => names.split_whitespace().filter_map(|name| name.parse().ok()).collect(),
        _ => Vec::new(),
    };
    let provider_id = match claim(claims, provider_claim).and_then(Value::as_str) {
        Some(id) => Some(id.parse::<Uuid>().map_err(|_| invalid("the provider claim is not a UUID"))?),
        None => None,
    };
    let client_id = match claims.get("client_id").and_then(Value::as_str) {
        Some(id) if own => Some(id.parse::<Uuid>().map_err(|_| invalid("client_id is not a UUID"))?),
        _ => None,
    };
    Caller::new(subject.to_owned(), client_id, roles, provider_id).map_err(|conflict| invalid(conflict.message()))
}

/// Parses a JWKS document or one or more PEM public keys, pinning each key's algorithm.
fn parse_public_keys(text: &str) -> Result<Vec<PinnedKey>, String> {
    let keys = if text.trim_start().starts_with('{') {
        let set: JwkSet = serde_json::from_str(text).map_err(|err| format!("not a JWKS document: {err}"))?;
        set.keys
            .iter()
            .map(|jwk| {
                let algorithm = match (&jwk.algorithm, jwk.common.key_algorithm) {
                    (AlgorithmParameters::RSA(_), None | Some(KeyAlgorithm::RS256)) => Algorithm::RS256,
                    (AlgorithmParameters::EllipticCurve(ec), None | Some(KeyAlgorithm::ES256))
                        if ec.curve == EllipticCurve::P256 =>
                    {
                        Algorithm::ES256
                    }
                    _ => return Err("only RS256 (RSA) and ES256 (P-256) keys are accepted".to_owned()),
                };
                let key = DecodingKey::from_jwk(jwk).map_err(|err| format!("unusable key: {err}"))?;
                Ok(PinnedKey { kid: jwk.common.key_id.clone(), algorithm, key })
            })
            .collect::<Result<Vec<_>, String>>()?
    } else {
        pem_blocks(text)
            .into_iter()
            .map(|block| {
                if let Ok(key) = DecodingKey::from_rsa_pem(block.as_bytes()) {
                    Ok(PinnedKey { kid: None, algorithm: Algorithm::RS256, key })
                } else if let Ok(key) = DecodingKey::from_ec_pem(block.as_bytes()) {
                    Ok(PinnedKey { kid: None, algorithm: Algorithm::ES256, key })
                } else {
                    Err("a PEM block is neither an RSA nor a P-256 public key".to_owned())
                }
            })
            .collect::<Result<Vec<_>, String>>()?
    };
    if keys.is_empty() {
        return Err("no keys found".to_owned());
    }
    Ok(keys)
}

fn pem_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with("-----BEGIN ") {
            current = Some(String::new());
        }
        if let Some(block) = current.as_mut() {
            block.push_str(line);
            block.push('\n');
        }
        if line.starts_with("-----END ") {
            blocks.extend(current.take());
        }
    }
    blocks
}

/// The newest own signing key, created when there is none. The first key has a fixed kid, so that
/// when two replicas start together on an empty database the loser of the insert reads the
/// winner's key instead of signing with a key the other replica does not know.
fn own_signing_key(conn: &mut DbConnection) -> Result<(String, Vec<u8>), ApiError> {
    let newest = || {
        signing_keys::table
            .filter(signing_keys::algorithm.eq(OWN_ALGORITHM))
            .order(signing_keys::created_at.desc())
            .select((signing_keys::kid, signing_keys::secret))
    };
    let existing: Option<(String, String)> = newest().first(conn).optional()?;
    let (kid, secret) = match existing {
        Some(found) => found,
        None => {
            let mut secret = [0u8; 32];
            getrandom::fill(&mut secret).map_err(|err| ApiError::internal(format!("no randomness: {err}")))?;
            let kid = FIRST_OWN_KID.to_owned();
            let inserted = diesel::insert_into(signing_keys::table)
                .values((
                    signing_keys::kid.eq(&kid),
                    signing_keys::algorithm.eq(OWN_ALGORITHM),
                    signing_keys::secret.eq(URL_SAFE_NO_PAD.encode(secret)),
                    signing_keys::created_at.eq(crate::clock::now()),
                ))
                .execute(conn);
            if inserted.is_err() {
                newest().first(conn)?
            } else {
                log::info!("created the token signing key {kid}");
                (kid, URL_SAFE_NO_PAD.encode(secret))
            }
        }
    };
    let secret =
        URL_SAFE_NO_PAD.decode(secret).map_err(|_| ApiError::internal("stored signing key is not base64url"))?;
    Ok((kid, secret))
}
